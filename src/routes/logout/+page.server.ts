import { redirect } from '@sveltejs/kit';
import { SESSION_COOKIE } from '$lib/server/auth/authenticate';
import { logout } from '$lib/server/auth/service';
import type { Actions, PageServerLoad } from './$types';

/** GET only shows a button: signing out changes state, so it happens on POST alone. */
export const load: PageServerLoad = ({ locals }) => {
	if (!locals.auth) redirect(303, '/login');
};

export const actions: Actions = {
	default: async ({ locals, cookies }) => {
		if (locals.auth) await logout(locals.app, locals.auth, locals.request);
		cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, '/login');
	}
};
