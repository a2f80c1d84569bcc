/**
 * The sign-in page's passkey door: the same services as the API, but the session is a browser
 * cookie, set exactly as the password form sets it.
 *
 * Policy: these endpoints take JSON from our own pages only: a request whose Origin (or Referer) is
 * not this server's is refused before anything is read, so another site cannot sign a visitor in to
 * an account of its choosing. The second step reads the mfa token from the httpOnly `ocore_mfa`
 * cookie (set by the password step, never visible to scripts) and clears it once used.
 */
import type { Cookies } from '@sveltejs/kit';
import type { AppContext } from '../app-context';
import { SESSION_COOKIE, sessionCookieOptions } from '../auth/authenticate';
import type { RequestMeta } from '../auth/types';
import { AppError } from '../errors';
import { isSameOrigin } from '../http/origin-check';
import { answerMfaWithPasskey, signInOptions, signInWithPasskey } from './authentication';
import type { AuthenticationResponseInput } from './schemas';

/** The second step's token between the password form and /login/two-factor (httpOnly). */
export const MFA_COOKIE = 'ocore_mfa';

export type PageSignInMode = 'signin' | 'mfa';

export function requireOwnPage(app: AppContext, request: Request, url: URL): void {
	if (!isSameOrigin(request, url, app.config.allowedOrigins)) throw new AppError('forbidden', 'Cross-origin request refused');
}

function mfaTokenOf(cookies: Cookies): string {
	const token = cookies.get(MFA_COOKIE);
	if (!token) throw new AppError('unauthorized', 'This sign-in has expired. Start again with your password.', { publicCode: 'mfa_expired' });
	return token;
}

export async function pageSignInOptions(app: AppContext, mode: PageSignInMode, cookies: Cookies, meta: RequestMeta) {
	return signInOptions(app, mode === 'mfa' ? mfaTokenOf(cookies) : undefined, meta);
}

export async function pageSignIn(app: AppContext, mode: PageSignInMode, response: AuthenticationResponseInput, cookies: Cookies, meta: RequestMeta): Promise<void> {
	if (mode === 'signin') {
		const session = await signInWithPasskey(app, response, 'browser', meta);
		cookies.set(SESSION_COOKIE, session.sessionToken, sessionCookieOptions(app, session.expiresAt));
		return;
	}
	const signIn = await answerMfaWithPasskey(app, response, mfaTokenOf(cookies), 'browser', meta);
	cookies.delete(MFA_COOKIE, { path: '/' });
	cookies.set(SESSION_COOKIE, signIn.sessionToken, sessionCookieOptions(app, signIn.expiresAt));
}
