/**
 * The caller's own sessions: list, revoke one, revoke all others. A user can only ever see or end
 * their own sessions: every query filters by the caller's user id, and an id that is not theirs is
 * answered exactly like an id that does not exist.
 */
import { and, desc, eq, ne, type SQL } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import type { AuthState, RequestMeta } from '../auth/types';
import { sessions } from '../db/schema';
import type { SignInMethod } from '../db/schema';
import { AppError } from '../errors';
import { endSessions } from '../auth/session-endings';
import type { DbOrTx } from '../db/client';
import { describeUserAgent, type DeviceType } from './describe-device';

export type SessionView = {
	id: string;
	kind: 'browser' | 'api';
	device: string;
	browser: string;
	os: string;
	deviceType: DeviceType;
	/** "Chrome on macOS", "curl 8.5.0". */
	summary: string;
	ipAddress: string | null;
	lastActiveAt: Date;
	createdAt: Date;
	current: boolean;
	/** How the session signed in: `password`, `password_totp`, `password_recovery_code`, `password_passkey`, `passkey`. */
	authMethod: SignInMethod;
};

export async function listSessions(app: AppContext, auth: AuthState): Promise<SessionView[]> {
	const rows = await app.db.select().from(sessions).where(eq(sessions.userId, auth.user.id)).orderBy(desc(sessions.lastActiveAt));
	const now = app.clock.now().getTime();
	return rows
		.filter((s) => s.expiresAt.getTime() > now)
		.map((s) => ({
			id: s.id,
			kind: s.kind,
			...describeUserAgent(s.userAgent),
			ipAddress: s.ipAddress,
			lastActiveAt: s.lastActiveAt,
			createdAt: s.createdAt,
			current: s.id === auth.session.id,
			authMethod: s.authMethod
		}));
}

function endOwnSession(tx: DbOrTx, where: SQL | undefined) {
	return tx.delete(sessions).where(where).returning({ id: sessions.id, ipAddress: sessions.ipAddress, userAgent: sessions.userAgent });
}

export async function revokeSession(app: AppContext, auth: AuthState, sessionId: string, meta: RequestMeta): Promise<void> {
	const now = app.clock.now();
	await app.db.transaction(async (tx) => {
		const mine = and(eq(sessions.id, sessionId), eq(sessions.userId, auth.user.id));
		// Another device is told why it was signed out; this one signed itself out and knows.
		const [ended] = sessionId === auth.session.id ? await endOwnSession(tx, mine) : await endSessions(tx, mine, 'revoked', now);
		if (!ended) throw new AppError('not_found', 'Session not found');
		// The ended session is named by its device and address, never by its id (a bearer credential's half).
		const session = { device: describeUserAgent(ended.userAgent).device, ipAddress: ended.ipAddress };
		await appendAccountAudit(tx, { actor: { userId: auth.user.id, email: auth.user.email }, action: 'session.revoked', metadata: { current: sessionId === auth.session.id, session }, ipAddress: meta.ipAddress, userAgent: meta.userAgent }, now);
	});
}

export async function revokeOtherSessions(app: AppContext, auth: AuthState, meta: RequestMeta): Promise<{ revoked: number }> {
	const now = app.clock.now();
	return app.db.transaction(async (tx) => {
		const deleted = await endSessions(tx, and(eq(sessions.userId, auth.user.id), ne(sessions.id, auth.session.id)), 'revoked', now);
		await appendAccountAudit(tx, { actor: { userId: auth.user.id, email: auth.user.email }, action: 'session.revoked_others', metadata: { revoked: deleted.length }, ipAddress: meta.ipAddress, userAgent: meta.userAgent }, now);
		return { revoked: deleted.length };
	});
}
