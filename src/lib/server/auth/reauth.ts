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
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import { AppError } from '../errors';
import { assertNotBackedOff, clearFailures, recordFailure, type BackoffSubject } from '../ratelimit/backoff';
import { enforceAuthRateLimit } from '../ratelimit/limiter';
import { checkPassword } from './password';
import type { RequestMeta } from './types';
import { findUserById, upgradePasswordHash } from './users';

export type ReauthPurpose = 'password_change' | 'email_change' | 'account_deletion';

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
