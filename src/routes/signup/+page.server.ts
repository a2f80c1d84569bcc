import { redirect } from '@sveltejs/kit';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/auth/authenticate';
import { signupInput } from '$lib/server/auth/schemas';
import { isMfaRequired, loginBrowser, signup } from '$lib/server/auth/service';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { safeRedirectPath } from '$lib/server/pages/guard';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.auth) redirect(303, '/dashboard');
	// An invitation mail links here with the invited address filled in, and the invitation to go back to.
	const redirectTo = safeRedirectPath(url.searchParams.get('redirectTo'));
	return {
		email: url.searchParams.get('email') ?? '',
		redirectTo,
		invited: redirectTo.startsWith('/invitations'),
		appOrigin: url.origin
	};
};

export const actions: Actions = {
	default: async ({ request, locals, cookies, url }) => {
		const values = formValues(await request.formData());
		const parsed = parseForm(signupInput, values);
		if (!parsed.ok) return parsed.failure;
		let session;
		try {
			await signup(locals.app, parsed.data, locals.request);
			session = await loginBrowser(locals.app, parsed.data, locals.request);
		} catch (err) {
			return failFrom(err, { values });
		}
		// A brand-new account has no 2FA; should it ever answer otherwise, the sign-in page takes over.
		if (isMfaRequired(session)) redirect(303, '/login');
		cookies.set(SESSION_COOKIE, session.sessionToken, sessionCookieOptions(locals.app, session.expiresAt));
		redirect(303, safeRedirectPath(url.searchParams.get('redirectTo')));
	}
};
