/**
 * A user's own passkeys: list, rename, delete.
 *
 * Policy: every query is scoped to the caller; a passkey of another user (or an id that is not a
 * passkey) answers the same 404 and nothing changes. Deleting a passkey removes a way to sign in, so
 * it needs a recently re-authenticated session (auth/reauth), like adding one. Renaming does not.
 * Audit rows name the passkey, never key material.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import { requireRecentReauthentication } from '../auth/reauth';
import type { AuthState, RequestMeta } from '../auth/types';
import { passkeys, type Passkey } from '../db/schema';
import { AppError } from '../errors';

export type PasskeyView = {
	id: string;
	name: string;
	createdAt: Date;
	lastUsedAt: Date | null;
	/** Backed up to a sync provider (iCloud Keychain, Google Password Manager...). */
	synced: boolean;
	deviceType: string;
	transports: string[];
};

export function toPasskeyView(row: Passkey): PasskeyView {
	return {
		id: row.id,
		name: row.name,
		createdAt: row.createdAt,
		lastUsedAt: row.lastUsedAt,
		synced: row.backedUp,
		deviceType: row.deviceType,
		transports: row.transports
	};
}

const NOT_FOUND = 'Passkey not found';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listPasskeys(app: AppContext, userId: string): Promise<PasskeyView[]> {
	const rows = await app.db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt), asc(passkeys.id));
	return rows.map(toPasskeyView);
}

function ownedBy(auth: AuthState, id: string) {
	if (!UUID.test(id)) throw new AppError('not_found', NOT_FOUND);
	return and(eq(passkeys.id, id), eq(passkeys.userId, auth.user.id));
}

function audit(auth: AuthState, meta: RequestMeta, action: string, row: Passkey, metadata: Record<string, unknown>) {
	return {
		actor: { userId: auth.user.id, email: auth.user.email },
		action,
		targetType: 'passkey',
		targetId: row.id,
		metadata,
		ipAddress: meta.ipAddress,
		userAgent: meta.userAgent
	};
}

export async function renamePasskey(app: AppContext, auth: AuthState, id: string, name: string, meta: RequestMeta): Promise<PasskeyView> {
	const now = app.clock.now();
	const where = ownedBy(auth, id);
	return app.db.transaction(async (tx) => {
		const [before] = await tx.select().from(passkeys).where(where).for('update');
		if (!before) throw new AppError('not_found', NOT_FOUND);
		const [row] = await tx.update(passkeys).set({ name }).where(where).returning();
		if (before.name !== name) await appendAccountAudit(tx, audit(auth, meta, 'passkey.renamed', row!, { previousName: before.name, name }), now);
		return toPasskeyView(row!);
	});
}

export async function deletePasskey(app: AppContext, auth: AuthState, id: string, meta: RequestMeta): Promise<void> {
	const where = ownedBy(auth, id);
	// Existence first: a stranger's id is a 404 whether or not this session is recent.
	const [exists] = await app.db.select({ id: passkeys.id }).from(passkeys).where(where);
	if (!exists) throw new AppError('not_found', NOT_FOUND);
	requireRecentReauthentication(app, auth);
	const now = app.clock.now();
	await app.db.transaction(async (tx) => {
		const [row] = await tx.delete(passkeys).where(where).returning();
		if (!row) throw new AppError('not_found', NOT_FOUND);
		await appendAccountAudit(tx, audit(auth, meta, 'passkey.deleted', row, { name: row.name }), now);
	});
}
