/**
 * Progressive back-off for repeated sign-in failures.
 *
 * Policy: counted per (email as typed, client IP). After FREE_FAILURES consecutive failures each
 * further failure doubles the wait (1 s, 2 s, 4 s ... capped at 15 minutes) before that pair may try
 * again. Keyed on the pair, a stranger guessing from elsewhere cannot lock the owner out; keyed on the
 * email string rather than the account, unknown and known emails behave identically (no enumeration).
 * A successful sign-in clears the pair.
 */
import { eq } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { addSeconds } from '../clock';
import { authFailures } from '../db/schema';
import { AppError } from '../errors';

const FREE_FAILURES = 4;
const MAX_BACKOFF_SECONDS = 15 * 60;
/** A failure streak older than this is forgotten. */
const STREAK_RESET_SECONDS = 60 * 60;

function keyFor(email: string, clientIp: string): string {
	return `login:${email}:${clientIp}`;
}

export async function assertNotBackedOff(app: AppContext, email: string, clientIp: string, now: Date) {
	const [row] = await app.db.select().from(authFailures).where(eq(authFailures.key, keyFor(email, clientIp)));
	if (!row?.blockedUntil || row.blockedUntil.getTime() <= now.getTime()) return;
	const retryAfterSeconds = Math.ceil((row.blockedUntil.getTime() - now.getTime()) / 1000);
	throw new AppError('rate_limited', 'Too many failed sign-in attempts; try again later', { retryAfterSeconds });
}

export async function recordLoginFailure(app: AppContext, email: string, clientIp: string, now: Date) {
	const key = keyFor(email, clientIp);
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

export async function clearLoginFailures(app: AppContext, email: string, clientIp: string) {
	await app.db.delete(authFailures).where(eq(authFailures.key, keyFor(email, clientIp)));
}
