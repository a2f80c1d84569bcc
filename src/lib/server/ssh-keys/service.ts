/**
 * A user's SSH public keys: add, list, delete.
 *
 * Policy: a key belongs to exactly one account, because the gateway identifies the user by the key
 * alone. The unique index on the fingerprint is the arbiter (concurrent adds of one key cannot both
 * win); a duplicate is a 409 that says whether the key is already the caller's, but never whose it
 * is otherwise. Users manage only their own keys: every query filters by the caller's id, and a key
 * id that is not theirs is answered exactly like one that does not exist. Audit rows carry the
 * fingerprint, type, bits and name, never the key material.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import { isUniqueViolation } from '../db/pg-errors';
import { sshKeys, type SshKey } from '../db/schema';
import { AppError } from '../errors';
import type { ActingUser } from '../orgs/store';
import { parsePublicKey, type ParsedPublicKey } from './parse';
import type { AddSshKeyInput } from './schemas';

export type SshKeyDeps = Pick<AppContext, 'db' | 'clock' | 'config'>;

export type SshKeyView = {
	id: string;
	name: string;
	type: string;
	bits: number;
	fingerprint: string;
	comment: string | null;
	createdAt: Date;
	lastUsedAt: Date | null;
};

export const DUPLICATE_OWN_KEY = 'This key is already registered on your account';
export const DUPLICATE_OTHER_KEY = 'This key is already registered to another account';
export const SSH_KEY_NOT_FOUND = 'SSH key not found';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FINGERPRINT_CONSTRAINT = 'ssh_keys_fingerprint_unique';

export function toSshKeyView(row: SshKey): SshKeyView {
	return {
		id: row.id,
		name: row.name,
		type: row.type,
		bits: row.bits,
		fingerprint: row.fingerprint,
		comment: row.comment,
		createdAt: row.createdAt,
		lastUsedAt: row.lastUsedAt
	};
}

/** What is safe to put in an audit row about a key. */
function auditMetadata(key: Pick<SshKey, 'fingerprint' | 'type' | 'bits' | 'name'>) {
	return { fingerprint: key.fingerprint, type: key.type, bits: key.bits, name: key.name };
}

/** Whose key this fingerprint is: the caller's, another account's, or nobody's. */
async function duplicateMessage(app: SshKeyDeps, userId: string, fingerprint: string): Promise<string | null> {
	const [owner] = await app.db.select({ userId: sshKeys.userId }).from(sshKeys).where(eq(sshKeys.fingerprint, fingerprint));
	if (!owner) return null;
	return owner.userId === userId ? DUPLICATE_OWN_KEY : DUPLICATE_OTHER_KEY;
}

/**
 * Stores an already parsed key for the acting user and audits it, in one transaction. Throws
 * conflict for a fingerprint that is registered already (to the caller or to anyone else).
 */
export async function insertParsedKey(
	app: SshKeyDeps,
	acting: ActingUser,
	name: string,
	key: ParsedPublicKey,
	auditExtra: Record<string, unknown> = {}
): Promise<SshKeyView> {
	const now = app.clock.now();
	// Asked first for the common case; the unique index below settles races between concurrent adds.
	const known = await duplicateMessage(app, acting.userId, key.fingerprint);
	if (known) throw new AppError('conflict', known);
	try {
		return await app.db.transaction(async (tx) => {
			const [row] = await tx
				.insert(sshKeys)
				.values({
					userId: acting.userId,
					name,
					type: key.type,
					bits: key.bits,
					fingerprint: key.fingerprint,
					publicKey: key.publicKey,
					comment: key.comment,
					createdAt: now
				})
				.returning();
			await appendAccountAudit(
				tx,
				{
					actor: { userId: acting.userId, email: acting.email },
					action: 'ssh_key.added',
					targetType: 'ssh_key',
					targetId: row!.id,
					metadata: { ...auditMetadata(row!), ...auditExtra },
					ipAddress: acting.request.ipAddress,
					userAgent: acting.request.userAgent
				},
				now
			);
			return toSshKeyView(row!);
		});
	} catch (err) {
		if (!isUniqueViolation(err, FINGERPRINT_CONSTRAINT)) throw err;
		// Lost a race: the winner's row exists now (or was removed again, in which case it was not ours).
		throw new AppError('conflict', (await duplicateMessage(app, acting.userId, key.fingerprint)) ?? DUPLICATE_OTHER_KEY);
	}
}

export async function addSshKey(app: SshKeyDeps, acting: ActingUser, input: AddSshKeyInput): Promise<SshKeyView> {
	const key = parsePublicKey(input.publicKey, { minRsaBits: app.config.sshKeyMinRsaBits });
	return insertParsedKey(app, acting, input.name, key);
}

export async function listSshKeys(app: Pick<SshKeyDeps, 'db'>, userId: string): Promise<SshKeyView[]> {
	const rows = await app.db.select().from(sshKeys).where(eq(sshKeys.userId, userId)).orderBy(asc(sshKeys.createdAt), asc(sshKeys.id));
	return rows.map(toSshKeyView);
}

/** Removes one of the caller's keys; any other id (another user's, unknown, not a UUID) is not_found. */
export async function deleteSshKey(app: SshKeyDeps, acting: ActingUser, keyId: string): Promise<void> {
	if (!UUID_PATTERN.test(keyId)) throw new AppError('not_found', SSH_KEY_NOT_FOUND);
	const now = app.clock.now();
	await app.db.transaction(async (tx) => {
		const [removed] = await tx
			.delete(sshKeys)
			.where(and(eq(sshKeys.id, keyId), eq(sshKeys.userId, acting.userId)))
			.returning();
		if (!removed) throw new AppError('not_found', SSH_KEY_NOT_FOUND);
		await appendAccountAudit(
			tx,
			{
				actor: { userId: acting.userId, email: acting.email },
				action: 'ssh_key.removed',
				targetType: 'ssh_key',
				targetId: removed.id,
				metadata: auditMetadata(removed),
				ipAddress: acting.request.ipAddress,
				userAgent: acting.request.userAgent
			},
			now
		);
	});
}
