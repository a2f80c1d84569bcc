import { redirect } from '@sveltejs/kit';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/auth/authenticate';
import { isAppError } from '$lib/server/errors';
import { methodsForMfaToken } from '$lib/server/mfa/challenge';
import { MFA_COOKIE } from '$lib/server/mfa/cookie';
import { secondFactorCodeSchema } from '$lib/server/mfa/schemas';
import { MFA_ATTEMPTS_EXCEEDED, MFA_TOKEN_INVALID, verifyMfaSignIn } from '$lib/server/mfa/sign-in';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { safeRedirectPath } from '$lib/server/pages/guard';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';

/** Back to the password, saying why (the login page words `twoFactor=expired|attempts`), keeping where the user was going. */
function backToLogin(url: URL, reason: 'expired' | 'attempts'): never {
	const redirectTo = safeRedirectPath(url.searchParams.get('redirectTo'));
	redirect(303, `/login?twoFactor=${reason}&redirectTo=${encodeURIComponent(redirectTo)}`);
}

/** The second step of a browser sign-in: only reachable with the `ocore_mfa` cookie the login page set. */
export const load: PageServerLoad = async ({ locals, url, cookies }) => {
	if (locals.auth) redirect(303, safeRedirectPath(url.searchParams.get('redirectTo')));
	const mfaToken = cookies.get(MFA_COOKIE);
	const methods = mfaToken ? await methodsForMfaToken(locals.app.db, mfaToken, locals.app.clock.now()) : null;
	if (!methods) backToLogin(url, 'expired');
	return { recovery: url.searchParams.has('recovery'), passkey: methods.includes('passkey') };
};

const codeForm = z.object({ code: secondFactorCodeSchema });

export const actions: Actions = {
	default: async ({ request, locals, cookies, url }) => {
		const mfaToken = cookies.get(MFA_COOKIE);
		if (!mfaToken) backToLogin(url, 'expired');
		const parsed = parseForm(codeForm, formValues(await request.formData()));
		if (!parsed.ok) return parsed.failure;
		let signedIn;
		try {
			signedIn = await verifyMfaSignIn(locals.app, 'browser', { mfaToken, code: parsed.data.code }, locals.request);
		} catch (err) {
			const code = isAppError(err) ? err.publicCode : undefined;
			if (code === MFA_TOKEN_INVALID || code === MFA_ATTEMPTS_EXCEEDED) {
				cookies.delete(MFA_COOKIE, { path: '/' });
				backToLogin(url, code === MFA_ATTEMPTS_EXCEEDED ? 'attempts' : 'expired');
			}
			return failFrom(err, { field: 'code' });
		}
		cookies.delete(MFA_COOKIE, { path: '/' });
		cookies.set(SESSION_COOKIE, signedIn.sessionToken, sessionCookieOptions(locals.app, signedIn.expiresAt));
		redirect(303, safeRedirectPath(url.searchParams.get('redirectTo')));
	}
};
