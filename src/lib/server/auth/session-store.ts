/**
 * Session rows, after the Lucia session guide.
 *
 * Policy:
 * - Browser sessions (cookie): end after SESSION_IDLE_TIMEOUT_SECONDS without a request (sliding) or
 *   SESSION_ABSOLUTE_LIFETIME_SECONDS after sign-in, whichever comes first.
 * - API sessions (JWT + refresh token): live as long as their refresh token, REFRESH_TOKEN_TTL_SECONDS
 *   from the last rotation. The previous refresh secret coming back ends the session: it means the
 *   token was copied. Any other wrong secret (a guess beside a known session id) is merely invalid and
 *   changes nothing, so knowing a session id is not enough to end it.
 * - Activity is recorded only after the secret is proven, so a forged token cannot keep an idle
 *   session alive. lastActiveAt is written at most once a minute per session.
 * - Expired sessions found on use are deleted; the maintenance sweep removes the rest. Revoking is
 *   deleting the row.
 */
import { and, eq, inArray, lte, or } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { addSeconds } from '../clock';
import type { DbOrTx } from '../db/client';
import { sessions, type Session, type SignInMethod } from '../db/schema';
import { formatRefreshHashes, generateSecureRandomString, hashSecret, joinToken, parseRefreshHashes, secretMatches, splitToken } from './tokens';
import type { RequestMeta } from './types';

const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

export async function createBrowserSession(app: AppContext, db: DbOrTx, userId: string, method: SignInMethod, meta: RequestMeta, now: Date) {
	const id = generateSecureRandomString();
	const secret = generateSecureRandomString();
	const expiresAt = addSeconds(now, app.config.sessionAbsoluteLifetimeSeconds);
	const [session] = await db
		.insert(sessions)
		.values({
			id,
			userId,
			kind: 'browser',
			secretHash: hashSecret(secret),
			userAgent: meta.userAgent,
			ipAddress: meta.ipAddress,
			createdAt: now,
			lastActiveAt: now,
			expiresAt,
			authMethod: method,
			reauthenticatedAt: now
		})
		.returning();
	return { session: session!, token: joinToken(id, secret) };
}

export async function createApiSession(app: AppContext, db: DbOrTx, userId: string, method: SignInMethod, meta: RequestMeta, now: Date) {
	const id = generateSecureRandomString();
	const refreshSecret = generateSecureRandomString();
	const [session] = await db
		.insert(sessions)
		.values({
			id,
			userId,
			kind: 'api',
			refreshSecretHash: hashSecret(refreshSecret),
			userAgent: meta.userAgent,
			ipAddress: meta.ipAddress,
			createdAt: now,
			lastActiveAt: now,
			expiresAt: addSeconds(now, app.config.refreshTokenTtlSeconds),
			authMethod: method,
			reauthenticatedAt: now
		})
		.returning();
	return { session: session!, refreshToken: joinToken(id, refreshSecret) };
}

function isExpired(app: Pick<AppContext, 'config'>, session: Session, now: Date): boolean {
	if (session.expiresAt.getTime() <= now.getTime()) return true;
	if (session.kind === 'browser') {
		const idleEnd = addSeconds(session.lastActiveAt, app.config.sessionIdleTimeoutSeconds);
		if (idleEnd.getTime() <= now.getTime()) return true;
	}
	return false;
}

/** Which of these sessions are live now (present and not expired), without recording activity. */
export async function liveSessionIds(app: Pick<AppContext, 'db' | 'config'>, ids: readonly string[], now: Date): Promise<Set<string>> {
	const rows = await app.db.select().from(sessions).where(inArray(sessions.id, [...ids]));
	return new Set(rows.filter((row) => !isExpired(app, row, now)).map((row) => row.id));
}

/** Reads a session by id, deleting it if it has expired; records no activity. */
async function readLiveSession(app: AppContext, sessionId: string, now: Date): Promise<Session | null> {
	const [session] = await app.db.select().from(sessions).where(eq(sessions.id, sessionId));
	if (!session) return null;
	if (isExpired(app, session, now)) {
		await app.db.delete(sessions).where(eq(sessions.id, session.id));
		return null;
	}
	return session;
}

async function recordActivity(app: AppContext, session: Session, now: Date): Promise<Session> {
	if (now.getTime() - session.lastActiveAt.getTime() >= ACTIVITY_WRITE_INTERVAL_MS) {
		await app.db.update(sessions).set({ lastActiveAt: now }).where(eq(sessions.id, session.id));
		session.lastActiveAt = now;
	}
	return session;
}

/** A live session named by a verified access token (the JWT signature is the proof), with activity recorded. */
export async function loadLiveSession(app: AppContext, sessionId: string, now: Date): Promise<Session | null> {
	const session = await readLiveSession(app, sessionId, now);
	return session ? recordActivity(app, session, now) : null;
}

/** Validates a browser cookie token; null for anything malformed, unknown, expired or forged. */
export async function validateBrowserToken(app: AppContext, token: string, now: Date): Promise<Session | null> {
	const parts = splitToken(token);
	if (!parts) return null;
	const session = await readLiveSession(app, parts.id, now);
	if (!session || session.kind !== 'browser') return null;
	return secretMatches(parts.secret, session.secretHash) ? recordActivity(app, session, now) : null;
}

export type RotationResult = { kind: 'rotated'; session: Session; refreshToken: string } | { kind: 'invalid' } | { kind: 'replayed'; session: Session };

/**
 * Rotates an API session's refresh token. Both stored hashes are compared, each in constant time and
 * always both, so the answer's timing does not say which one a secret was near. The compare-and-swap
 * on the stored column makes two concurrent uses of one token yield one winner; the loser presented
 * what is now the previous secret, so it is a replay.
 */
export async function rotateRefreshToken(app: AppContext, token: string, meta: RequestMeta, now: Date): Promise<RotationResult> {
	const parts = splitToken(token);
	if (!parts) return { kind: 'invalid' };
	const session = await readLiveSession(app, parts.id, now);
	if (!session || session.kind !== 'api') return { kind: 'invalid' };
	const stored = parseRefreshHashes(session.refreshSecretHash);
	const isCurrent = secretMatches(parts.secret, stored.current);
	const isPrevious = secretMatches(parts.secret, stored.previous);
	if (isPrevious) return { kind: 'replayed', session };
	if (!isCurrent) return { kind: 'invalid' };
	const nextSecret = generateSecureRandomString();
	const updated = await app.db
		.update(sessions)
		.set({
			refreshSecretHash: formatRefreshHashes(hashSecret(nextSecret), stored.current),
			lastActiveAt: now,
			ipAddress: meta.ipAddress,
			expiresAt: addSeconds(now, app.config.refreshTokenTtlSeconds)
		})
		.where(and(eq(sessions.id, session.id), eq(sessions.refreshSecretHash, session.refreshSecretHash!)))
		.returning();
	if (updated.length === 0) return { kind: 'replayed', session };
	return { kind: 'rotated', session: updated[0]!, refreshToken: joinToken(session.id, nextSecret) };
}

export async function deleteSession(db: DbOrTx, sessionId: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Deletes every session isExpired would refuse; returns how many. */
export async function deleteExpiredSessions(app: Pick<AppContext, 'config'>, db: DbOrTx, now: Date): Promise<number> {
	const idleSince = addSeconds(now, -app.config.sessionIdleTimeoutSeconds);
	const deleted = await db
		.delete(sessions)
		.where(or(lte(sessions.expiresAt, now), and(eq(sessions.kind, 'browser'), lte(sessions.lastActiveAt, idleSince))))
		.returning({ id: sessions.id });
	return deleted.length;
}
