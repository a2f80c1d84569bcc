/**
 * loginBrowser / loginApi for accounts known to have no 2FA: the session, typed as such. An answer of
 * MfaRequired here is a broken test setup, so it throws instead of being passed along.
 */
import { isMfaRequired, loginApi as loginApiOrMfa, loginBrowser as loginBrowserOrMfa } from '../../src/lib/server/auth/service';
import type { MfaRequired } from '../../src/lib/server/mfa/challenge';
import type { ApiTokens, BrowserSignIn } from '../../src/lib/server/auth/sign-in';

function withoutMfa<T extends object>(result: T | MfaRequired): T {
	if (isMfaRequired(result)) throw new Error('this account has 2FA on: the password alone started no session');
	return result;
}

export async function loginBrowser(...args: Parameters<typeof loginBrowserOrMfa>): Promise<BrowserSignIn> {
	return withoutMfa(await loginBrowserOrMfa(...args));
}

export async function loginApi(...args: Parameters<typeof loginApiOrMfa>): Promise<ApiTokens> {
	return withoutMfa(await loginApiOrMfa(...args));
}
