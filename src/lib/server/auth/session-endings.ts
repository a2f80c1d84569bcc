/**
 * Ending sessions on purpose, and telling the signed-out browser why.
 *
 * Policy: ending a session is deleting its row (session-store); when it is ended by something other
 * than its own browser (revoked from another device, a password change or reset, the account being
 * deleted), a browser session also leaves a row in ended_sessions with the reason. A browser that
 * later presents that cookie is told the reason ("You were signed out from another device") only if
 * its secret matches the stored hash, compared in constant time, so a made-up or stolen-id token
 * learns nothing; an unknown, forged or expired token, or a session that merely timed out, gets no
 * reason at all. The rows hold no user id and are swept once the session would have expired anyway.
 */
import { and, eq, gt, lte, type SQL } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import type { DbOrTx } from '../db/client';
import { endedSessions, SESSION_END_REASONS, sessions, type Session, type SessionEndReason } from '../db/schema';
import { secretMatches, splitToken } from './tokens';

export type EndedSession = Pick<Session, 'id' | 'kind' | 'ipAddress' | 'userAgent'>;

/** Deletes the sessions matching `where` and records why for each browser session among them. */
export async function endSessions(db: DbOrTx, where: SQL | undefined, reason: SessionEndReason, now: Date): Promise<EndedSession[]> {
	const ended = await db.delete(sessions).where(where).returning();
	const browsers = ended.filter((s) => s.kind === 'browser' && s.secretHash);
	if (browsers.length > 0) {
		await db
			.insert(endedSessions)
			.values(browsers.map((s) => ({ id: s.id, secretHash: s.secretHash!, reason, endedAt: now, expiresAt: s.expiresAt })))
			.onConflictDoNothing();
	}
	return ended.map(({ id, kind, ipAddress, userAgent }) => ({ id, kind, ipAddress, userAgent }));
}

/** Why the browser holding this cookie was signed out, or null when there is nothing to tell it. */
export async function endedSessionReason(app: Pick<AppContext, 'db'>, cookieToken: string, now: Date): Promise<SessionEndReason | null> {
	const parts = splitToken(cookieToken);
	if (!parts) return null;
	const [row] = await app.db
		.select()
		.from(endedSessions)
		.where(and(eq(endedSessions.id, parts.id), gt(endedSessions.expiresAt, now)));
	if (!row || !secretMatches(parts.secret, row.secretHash)) return null;
	return row.reason;
}

export function isSessionEndReason(value: string | null | undefined): value is SessionEndReason {
	return (SESSION_END_REASONS as readonly string[]).includes(value ?? '');
}

/** What the sign-in page says to a browser that was signed out for `reason`. */
export const SIGNED_OUT_NOTICES: Record<SessionEndReason, string> = {
	revoked: 'You were signed out from another device.',
	password_changed: 'You were signed out because your password was changed on another device.',
	password_reset: 'You were signed out because your password was reset.',
	account_deleted: 'You were signed out because this account was deleted.'
};

export async function deleteExpiredSessionEndings(db: DbOrTx, now: Date): Promise<number> {
	const deleted = await db.delete(endedSessions).where(lte(endedSessions.expiresAt, now)).returning({ id: endedSessions.id });
	return deleted.length;
}
