import { redirect } from '@sveltejs/kit';
import { SESSION_COOKIE } from '$lib/server/auth/authenticate';
import { sessionIdInput } from '$lib/server/auth/schemas';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	requireAuth(locals, url);
	return { sessions: await callerFor(locals).sessions.list(), now: new Date() };
};

export const actions: Actions = {
	revoke: async ({ request, locals, url, cookies }) => {
		const auth = requireAuth(locals, url);
		const parsed = parseForm(sessionIdInput, formValues(await request.formData()), 'revoke');
		if (!parsed.ok) return parsed.failure;
		try {
			await callerFor(locals).sessions.revoke(parsed.data);
		} catch (err) {
			return failFrom(err, { action: 'revoke' });
		}
		// Revoking this very session signs this browser out; the cookie is now worthless.
		if (parsed.data.sessionId === auth.session.id) {
			cookies.delete(SESSION_COOKIE, { path: '/' });
			redirect(303, '/login');
		}
		return { action: 'revoke' as const, notice: 'The session was signed out.' };
	},
	revokeOthers: async ({ locals, url }) => {
		requireAuth(locals, url);
		try {
			const { revoked } = await callerFor(locals).sessions.revokeOthers();
			return { action: 'revokeOthers' as const, notice: `Signed out ${revoked} other ${revoked === 1 ? 'session' : 'sessions'}.` };
		} catch (err) {
			return failFrom(err, { action: 'revokeOthers' });
		}
	}
};
