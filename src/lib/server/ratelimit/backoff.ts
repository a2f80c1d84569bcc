/**
 * Progressive back-off for repeated password failures.
 *
 * Policy: after FREE_FAILURES consecutive failures each further failure doubles the wait (1 s, 2 s,
 * 4 s ... capped at 15 minutes) before the subject may try again; a right password clears it.
 * - Sign-in is counted per (email as typed, client IP). Keyed on the pair, a stranger guessing from
 *   elsewhere cannot lock the owner out; keyed on the email string rather than the account, unknown
 *   and known emails behave identically and write the same row (no enumeration).
 * - Re-authentication inside a session (current password before a sensitive change) is counted per
 *   account, whatever the address: whoever guesses already holds a session of that account, so
 *   changing addresses must not buy fresh tries. The owner can still sign in and end that session.
 */
import { eq } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { addSeconds } from '../clock';
import { authFailures } from '../db/schema';
import { AppError } from '../errors';

const FREE_FAILURES = 4;
const MAX_BACKOFF_SECONDS = 15 * 60;
/** A failure streak older than this is forgotten (and the maintenance sweep deletes its row). */
export const STREAK_RESET_SECONDS = 60 * 60;

export type BackoffSubject = { kind: 'login'; email: string; clientIp: string } | { kind: 'reauth'; userId: string };

function keyFor(subject: BackoffSubject): string {
	return subject.kind === 'login' ? `login:${subject.email}:${subject.clientIp}` : `reauth:${subject.userId}`;
}

const BLOCKED_MESSAGE: Record<BackoffSubject['kind'], string> = {
	login: 'Too many failed sign-in attempts.',
	reauth: 'Too many wrong passwords.'
};

export async function assertNotBackedOff(app: AppContext, subject: BackoffSubject, now: Date) {
	const [row] = await app.db.select().from(authFailures).where(eq(authFailures.key, keyFor(subject)));
	if (!row?.blockedUntil || row.blockedUntil.getTime() <= now.getTime()) return;
	const retryAfterSeconds = Math.ceil((row.blockedUntil.getTime() - now.getTime()) / 1000);
	throw new AppError('rate_limited', BLOCKED_MESSAGE[subject.kind], { retryAfterSeconds });
}

export async function recordFailure(app: AppContext, subject: BackoffSubject, now: Date) {
	const key = keyFor(subject);
	const [row] = await app.db.select().from(authFailures).where(eq(authFailures.key, key));
	const streakExpired = row && addSeconds(row.lastFailureAt, STREAK_RESET_SECONDS).getTime() < now.getTime();
	const failureCount = !row || streakExpired ? 1 : row.failureCount + 1;
	const over = failureCount - FREE_FAILURES;
	const blockedUntil = over > 0 ? addSeconds(now, Math.min(2 ** (over - 1), MAX_BACKOFF_SECONDS)) : null;
	await app.db
		.insert(authFailures)
		.values({ key, failureCount, lastFailureAt: now, blockedUntil })
		.onConflictDoUpdate({ target: authFailures.key, set: { failureCount, lastFailureAt: now, blockedUntil } });
}

export async function clearFailures(app: AppContext, subject: BackoffSubject) {
	await app.db.delete(authFailures).where(eq(authFailures.key, keyFor(subject)));
}
