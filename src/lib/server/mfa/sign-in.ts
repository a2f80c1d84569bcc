/**
 * The second step of a password sign-in with 2FA on, answered with a TOTP or a recovery code
 * (`POST /api/auth/totp/verify`, and the /login/two-factor page).
 *
 * Policy:
 * - 5 tries a minute per client address (the 'totp' limit), counted before anything is looked at.
 * - The mfaToken must name a live challenge of the kind this front door finishes (API tokens or a
 *   browser cookie); any other token (malformed, unknown, expired, used, voided, of the other kind)
 *   gets one answer: 401 `mfa_token_invalid`, sign in again.
 * - A wrong code counts against the challenge; the fifth voids it (401 `mfa_attempts_exceeded`).
 * - A right code finishes the sign-in through mfa/challenge completeMfaSignIn (single use, atomic),
 *   recording how it signed in: `password_totp` or `password_recovery_code`.
 */
import type { AppContext } from '../app-context';
import type { ApiTokens, BrowserSignIn, SessionKind } from '../auth/sign-in';
import type { RequestMeta } from '../auth/types';
import { findUserById } from '../auth/users';
import { AppError } from '../errors';
import { completeMfaSignIn, findLiveMfaChallenge, recordMfaFailure } from './challenge';
import { verifySecondFactor } from './factor';
import { isTotpShaped, type TotpVerifyInput } from './schemas';
import { enforceTotpRateLimit } from './two-factor';

export const MFA_TOKEN_INVALID = 'mfa_token_invalid';
export const MFA_ATTEMPTS_EXCEEDED = 'mfa_attempts_exceeded';
export const INVALID_CODE = 'invalid_code';

function deadToken(): AppError {
	return new AppError('unauthorized', 'This sign-in has expired or was already used. Sign in again with your email and password.', {
		publicCode: MFA_TOKEN_INVALID
	});
}

type SignedInAs<K extends SessionKind> = K extends 'browser' ? BrowserSignIn : ApiTokens;

export async function verifyMfaSignIn<K extends SessionKind>(app: AppContext, kind: K, input: TotpVerifyInput, meta: RequestMeta): Promise<SignedInAs<K>> {
	const now = app.clock.now();
	await enforceTotpRateLimit(app, meta, now);
	const challenge = await findLiveMfaChallenge(app.db, input.mfaToken, now);
	if (!challenge || challenge.sessionKind !== kind) throw deadToken();
	const user = await findUserById(app.db, challenge.userId);
	if (!user) throw deadToken();
	const used = await verifySecondFactor(app, user, input.code, 'sign_in', meta, now);
	if (!used) {
		const triesLeft = await recordMfaFailure(app.db, challenge.id);
		if (triesLeft === 0) {
			throw new AppError('unauthorized', 'Too many wrong codes. Sign in again with your email and password.', { publicCode: MFA_ATTEMPTS_EXCEEDED });
		}
		const tries = triesLeft === 1 ? '1 try' : `${triesLeft} tries`;
		const wrong = isTotpShaped(input.code) ? 'That code is not right.' : 'That recovery code is not right or was already used.';
		throw new AppError('invalid_credentials', `${wrong} ${tries} left.`, { publicCode: INVALID_CODE });
	}
	const signedIn = await completeMfaSignIn(app, challenge, used === 'totp' ? 'password_totp' : 'password_recovery_code', meta, now);
	if (!signedIn) throw deadToken();
	return signedIn as SignedInAs<K>;
}
