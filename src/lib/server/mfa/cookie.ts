/**
 * The browser's half-finished sign-in: after a right password for an account with 2FA on, the login
 * page keeps the mfaToken in this cookie (httpOnly, 5 minutes, the challenge's own lifetime) while
 * /login/two-factor asks for the second factor. A contract between the sign-in pages (TOTP, recovery
 * code, passkey): the name is `ocore_mfa` and the value is exactly the mfaToken.
 */
import type { AppContext } from '../app-context';
import { MFA_CHALLENGE_TTL_SECONDS } from './challenge';

export const MFA_COOKIE = 'ocore_mfa';

export function mfaCookieOptions(app: AppContext) {
	return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: app.config.secureCookies, maxAge: MFA_CHALLENGE_TTL_SECONDS };
}
