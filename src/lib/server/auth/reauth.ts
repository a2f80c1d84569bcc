/**
 * Re-authentication: proving the password again inside a signed-in session before a sensitive change
 * (the password today; 2FA and passkey changes later call the same function).
 *
 * Policy: the same guards as sign-in, so a stolen session cannot guess the password faster than a
 * stranger could at the sign-in form:
 * - the per-address budget of sign-in (AUTH_RATE_LIMIT_PER_MINUTE), shared with it, so guesses at
 *   either door add up;
 * - the per-account back-off of ratelimit/backoff (even the right password waits while it runs);
 * - every wrong password is written to the account's own audit chain as `auth.reauth_failed` with
 *   the purpose, never the password. Over a limit: AppError 'rate_limited' with retryAfterSeconds.
 */
import { eq } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import type { DbOrTx } from '../db/client';
import { sessions } from '../db/schema';
import { appendAccountAudit } from '../audit/append';
import { AppError } from '../errors';
import { assertNotBackedOff, clearFailures, recordFailure, type BackoffSubject } from '../ratelimit/backoff';
import { enforceAuthRateLimit } from '../ratelimit/limiter';
import { checkPassword } from './password';
import type { AuthState, RequestMeta } from './types';
import { findUserById, upgradePasswordHash } from './users';

export type ReauthPurpose = 'password_change' | 'email_change' | 'account_deletion' | 'session_reauthentication' | 'two_factor_disable';

/**
 * Changes of sign-in factor (2FA on or off, new recovery codes, adding or removing a passkey) need the
 * session to have proved its user within this window: at sign-in, or since by a password, a TOTP
 * code or a passkey (markReauthenticated). Past it the API answers 403 `reauthentication_required`
 * and the page asks for one of the three.
 */
export const REAUTHENTICATION_WINDOW_SECONDS = 10 * 60;

export function isRecentlyReauthenticated(session: { reauthenticatedAt: Date | null }, now: Date): boolean {
	return session.reauthenticatedAt !== null && now.getTime() - session.reauthenticatedAt.getTime() < REAUTHENTICATION_WINDOW_SECONDS * 1000;
}

export function requireRecentReauthentication(app: AppContext, auth: AuthState): void {
	if (isRecentlyReauthenticated(auth.session, app.clock.now())) return;
	throw new AppError('forbidden', 'Confirm it is you: enter your password, a 2FA code or use a passkey, then try again.', {
		publicCode: 'reauthentication_required'
	});
}

/** Records a successful check (password, TOTP, passkey) made inside this session. */
export async function markReauthenticated(db: DbOrTx, sessionId: string, now: Date): Promise<void> {
	await db.update(sessions).set({ reauthenticatedAt: now }).where(eq(sessions.id, sessionId));
}

export type ReauthOptions = {
	purpose: ReauthPurpose;
	/** The input field the password came in, named in the refusal ("currentPassword: ..."). */
	field: string;
};

export async function verifyReauthentication(app: AppContext, user: { id: string }, password: string, meta: RequestMeta, options: ReauthOptions): Promise<void> {
	const now = app.clock.now();
	await enforceAuthRateLimit(app, 'login', meta.ipAddress, now);
	const subject: BackoffSubject = { kind: 'reauth', userId: user.id };
	await assertNotBackedOff(app, subject, now);
	const stored = await findUserById(app.db, user.id);
	if (!stored) throw new AppError('unauthorized', 'Sign in again');
	const check = await checkPassword(stored.passwordHash, password);
	if (!check.valid) {
		await recordFailure(app, subject, now);
		await appendAccountAudit(
			app.db,
			{ actor: { userId: stored.id, email: stored.email }, action: 'auth.reauth_failed', metadata: { purpose: options.purpose }, ipAddress: meta.ipAddress, userAgent: meta.userAgent },
			now
		);
		throw new AppError('invalid_request', `${options.field}: Current password is incorrect`);
	}
	if (check.rehash) await upgradePasswordHash(app.db, stored.id, password, now);
	await clearFailures(app, subject);
}
