import { redirect } from '@sveltejs/kit';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/auth/authenticate';
import { loginInput } from '$lib/server/auth/schemas';
import { isSessionEndReason, SIGNED_OUT_NOTICES } from '$lib/server/auth/session-endings';
import { loginBrowser } from '$lib/server/auth/service';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { safeRedirectPath } from '$lib/server/pages/guard';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.auth) redirect(303, safeRedirectPath(url.searchParams.get('redirectTo')));
	// The reason comes from the page guard's redirect, or from this very request's dead cookie.
	const signedOut = url.searchParams.get('signedOut') ?? locals.signedOut;
	return {
		passwordReset: url.searchParams.has('reset'),
		appOrigin: url.origin,
		signedOutNotice: isSessionEndReason(signedOut) ? SIGNED_OUT_NOTICES[signedOut] : null
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
		cookies.set(SESSION_COOKIE, session.sessionToken, sessionCookieOptions(locals.app, session.expiresAt));
		redirect(303, safeRedirectPath(url.searchParams.get('redirectTo')));
	}
};
