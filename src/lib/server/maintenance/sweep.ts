/**
 * Scheduled deletion of rows that can no longer be used.
 *
 * Policy: every MAINTENANCE_INTERVAL_MS (and once at start) delete
 * - sessions past their hard end, and browser sessions idle longer than SESSION_IDLE_TIMEOUT_SECONDS
 *   (the same rule as a session found expired on use, auth/session-store);
 * - password-reset tokens past their expiry, used or not, and email-change links past theirs;
 * - the reasons kept for ended browser sessions (auth/session-endings) once those would have expired;
 * - rate-limit windows older than the previous one (the limiter never reads them again);
 * - sign-in and re-authentication failure streaks older than the back-off's reset age;
 * - second-step sign-in challenges (mfa/challenge) and WebAuthn challenges past their expiry;
 * - browser-terminal tickets an hour past their expiry (terminal/tickets).
 * `now` comes from the injected clock. A failing sweep is logged and retried at the next tick; the
 * timer never keeps the process alive, and stop() waits for a sweep in progress.
 */
import { and, lt, lte, or, sql } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { deleteExpiredSessions } from '../auth/session-store';
import { addSeconds } from '../clock';
import { deleteExpiredSessionEndings } from '../auth/session-endings';
import { authFailures, emailChangeRequests, passwordResetTokens, rateLimitBuckets, webauthnChallenges } from '../db/schema';
import { deleteDeadMfaChallenges } from '../mfa/challenge';
import { logger } from '../logger';
import { deleteDeadTerminalTickets } from '../terminal/tickets';
import { STREAK_RESET_SECONDS } from '../ratelimit/backoff';
import { WINDOW_MS } from '../ratelimit/limiter';

export const MAINTENANCE_INTERVAL_MS = 10 * 60_000;

export type SweepResult = {
	sessions: number;
	passwordResetTokens: number;
	emailChangeRequests: number;
	endedSessions: number;
	rateLimitBuckets: number;
	authFailures: number;
	mfaChallenges: number;
	webauthnChallenges: number;
	terminalTickets: number;
};

type SweepDeps = Pick<AppContext, 'db' | 'clock' | 'config'>;

export async function sweepExpired(app: SweepDeps): Promise<SweepResult> {
	const now = app.clock.now();
	const sessions = await deleteExpiredSessions(app, app.db, now);
	const tokens = await app.db.delete(passwordResetTokens).where(lte(passwordResetTokens.expiresAt, now)).returning({ id: passwordResetTokens.id });
	const emailChanges = await app.db.delete(emailChangeRequests).where(lte(emailChangeRequests.expiresAt, now)).returning({ userId: emailChangeRequests.userId });
	const endedSessions = await deleteExpiredSessionEndings(app.db, now);
	const currentWindowMs = Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS;
	const buckets = await app.db
		.delete(rateLimitBuckets)
		.where(lt(rateLimitBuckets.windowStart, new Date(currentWindowMs - WINDOW_MS)))
		.returning({ key: rateLimitBuckets.key });
	const failures = await app.db
		.delete(authFailures)
		.where(and(lt(authFailures.lastFailureAt, addSeconds(now, -STREAK_RESET_SECONDS)), or(sql`${authFailures.blockedUntil} is null`, lte(authFailures.blockedUntil, now))))
		.returning({ key: authFailures.key });
	const mfaChallenges = await deleteDeadMfaChallenges(app.db, now);
	const webauthn = await app.db.delete(webauthnChallenges).where(lte(webauthnChallenges.expiresAt, now)).returning({ hash: webauthnChallenges.challengeHash });
	const terminalTickets = await deleteDeadTerminalTickets(app.db, now);
	return {
		sessions,
		passwordResetTokens: tokens.length,
		emailChangeRequests: emailChanges.length,
		endedSessions,
		rateLimitBuckets: buckets.length,
		authFailures: failures.length,
		mfaChallenges,
		webauthnChallenges: webauthn.length,
		terminalTickets
	};
}

export type RunningMaintenance = { stop(): Promise<void> };

export function startMaintenance(app: SweepDeps, options: { intervalMs?: number } = {}): RunningMaintenance {
	const intervalMs = options.intervalMs ?? MAINTENANCE_INTERVAL_MS;
	let inFlight: Promise<void> | null = null;
	const tick = () => {
		// A slow sweep is not stacked on by the next tick.
		inFlight ??= sweepExpired(app)
			.then(() => undefined)
			.catch((err) => logger.error('maintenance sweep failed', { error: err instanceof Error ? err.name : typeof err }))
			.finally(() => {
				inFlight = null;
			});
	};
	const first = setTimeout(tick, 0);
	const timer = setInterval(tick, intervalMs);
	first.unref();
	timer.unref();
	return {
		async stop() {
			clearTimeout(first);
			clearInterval(timer);
			await inFlight;
		}
	};
}
