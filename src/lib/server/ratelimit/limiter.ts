/**
 * Per-client request limits for the authentication endpoints, counted in the database so every
 * process behind a load balancer shares them.
 *
 * Policy: a sliding-window counter (the previous minute's count weighted by how much of it still
 * overlaps the window, plus this minute's count) so a client cannot double its budget at a minute
 * boundary. Over the limit: AppError 'rate_limited' with the seconds to wait. Each attempt counts,
 * allowed or not, so hammering does not reset the window. Old windows are deleted by the maintenance
 * sweep (maintenance/sweep), not on the request path.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { rateLimitBuckets } from '../db/schema';
import { AppError } from '../errors';

export type LimitedAction = 'login' | 'signup' | 'password_reset' | 'email_confirm' | 'totp' | 'github_import' | 'passkey_options';

type LimiterDeps = Pick<AppContext, 'db' | 'config'>;

/** The counting window; a bucket older than two windows is never read again. */
export const WINDOW_MS = 60_000;

async function increment(app: LimiterDeps, key: string, windowStart: Date): Promise<number> {
	const [row] = await app.db
		.insert(rateLimitBuckets)
		.values({ key, windowStart, count: 1 })
		.onConflictDoUpdate({
			target: [rateLimitBuckets.key, rateLimitBuckets.windowStart],
			set: { count: sql`${rateLimitBuckets.count} + 1` }
		})
		.returning({ count: rateLimitBuckets.count });
	return row!.count;
}

async function countAt(app: LimiterDeps, key: string, windowStart: Date): Promise<number> {
	const [row] = await app.db
		.select({ count: rateLimitBuckets.count })
		.from(rateLimitBuckets)
		.where(and(eq(rateLimitBuckets.key, key), eq(rateLimitBuckets.windowStart, windowStart)));
	return row?.count ?? 0;
}

/** `subject` is whom the budget belongs to: a client IP, or a user id for per-account limits. */
export async function enforceRateLimit(app: LimiterDeps, action: LimitedAction, subject: string, limitPerMinute: number, now: Date) {
	const key = `${action}:${subject}`;
	const windowStartMs = Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS;
	const current = await increment(app, key, new Date(windowStartMs));
	const previous = await countAt(app, key, new Date(windowStartMs - WINDOW_MS));
	const elapsed = (now.getTime() - windowStartMs) / WINDOW_MS;
	const estimated = previous * (1 - elapsed) + current;
	if (estimated <= limitPerMinute) return;
	// The earliest moment the estimate falls back under the limit, assuming no further requests.
	let retryAfterSeconds = Math.ceil((windowStartMs + WINDOW_MS - now.getTime()) / 1000);
	if (current <= limitPerMinute && previous > 0) {
		const needed = 1 - (limitPerMinute - current) / previous;
		retryAfterSeconds = Math.max(1, Math.ceil(((needed - elapsed) * WINDOW_MS) / 1000));
	}
	throw new AppError('rate_limited', 'Too many requests.', { retryAfterSeconds: Math.max(1, retryAfterSeconds) });
}

/** The limit for the sign-in family of endpoints (AUTH_RATE_LIMIT_PER_MINUTE, default 5). */
export function enforceAuthRateLimit(app: LimiterDeps, action: LimitedAction, clientIp: string, now: Date) {
	return enforceRateLimit(app, action, clientIp, app.config.authRateLimitPerMinute, now);
}
