import { redirect } from '@sveltejs/kit';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/auth/authenticate';
import { loginInput } from '$lib/server/auth/schemas';
import { isSessionEndReason, SIGNED_OUT_NOTICES } from '$lib/server/auth/session-endings';
import { isMfaRequired, loginBrowser } from '$lib/server/auth/service';
import { MFA_COOKIE, mfaCookieOptions } from '$lib/server/mfa/cookie';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { safeRedirectPath } from '$lib/server/pages/guard';
import type { Actions, PageServerLoad } from './$types';

const TWO_FACTOR_NOTICES: Record<string, string> = {
	expired: 'Your sign-in expired or was already used. Sign in again with your email and password.',
	attempts: 'Too many wrong codes. Sign in again with your email and password.'
};

function twoFactorNotice(reason: string | null): string | null {
	return reason !== null && Object.hasOwn(TWO_FACTOR_NOTICES, reason) ? TWO_FACTOR_NOTICES[reason]! : null;
}

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.auth) redirect(303, safeRedirectPath(url.searchParams.get('redirectTo')));
	// The reason comes from the page guard's redirect, or from this very request's dead cookie.
	const signedOut = url.searchParams.get('signedOut') ?? locals.signedOut;
	return {
		passwordReset: url.searchParams.has('reset'),
		appOrigin: url.origin,
		signedOutNotice: isSessionEndReason(signedOut) ? SIGNED_OUT_NOTICES[signedOut] : null,
		// Sent back here by /login/two-factor when the second step can no longer be finished.
		twoFactorNotice: twoFactorNotice(url.searchParams.get('twoFactor'))
	};
};

export const actions: Actions = {
	default: async ({ request, locals, cookies, url }) => {
		const values = formValues(await request.formData());
		const parsed = parseForm(loginInput, values);
		if (!parsed.ok) return parsed.failure;
		let session;
		try {
			session = await loginBrowser(locals.app, parsed.data, locals.request);
		} catch (err) {
			return failFrom(err, { values });
		}
		const redirectTo = safeRedirectPath(url.searchParams.get('redirectTo'));
		if (isMfaRequired(session)) {
			// The password was right; the second step happens on its own page, holding the token in a cookie.
			cookies.set(MFA_COOKIE, session.mfaToken, mfaCookieOptions(locals.app));
			redirect(303, `/login/two-factor?redirectTo=${encodeURIComponent(redirectTo)}`);
		}
		cookies.set(SESSION_COOKIE, session.sessionToken, sessionCookieOptions(locals.app, session.expiresAt));
		redirect(303, redirectTo);
	}
};
