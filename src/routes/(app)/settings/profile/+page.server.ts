import { redirect } from '@sveltejs/kit';
import { deleteAccountInput, requestEmailChangeInput, updateNameInput } from '$lib/server/account/schemas';
import { SESSION_COOKIE } from '$lib/server/auth/authenticate';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	requireAuth(locals, url);
	return { profile: await callerFor(locals).account.profile(), now: new Date() };
};

export const actions: Actions = {
	updateName: async ({ request, locals, url }) => {
		requireAuth(locals, url);
		const values = formValues(await request.formData());
		const parsed = parseForm(updateNameInput, values, 'updateName');
		if (!parsed.ok) return parsed.failure;
		try {
			await callerFor(locals).account.updateName(parsed.data);
			return { action: 'updateName' as const, notice: 'Your name was saved.' };
		} catch (err) {
			return failFrom(err, { action: 'updateName', field: 'name', values });
		}
	},
	requestEmail: async ({ request, locals, url }) => {
		requireAuth(locals, url);
		const values = formValues(await request.formData());
		const parsed = parseForm(requestEmailChangeInput, values, 'requestEmail');
		if (!parsed.ok) return parsed.failure;
		try {
			const pending = await callerFor(locals).account.requestEmailChange(parsed.data);
			return { action: 'requestEmail' as const, notice: `We sent a confirmation link to ${pending.email}. Your email changes when you open it.` };
		} catch (err) {
			return failFrom(err, { action: 'requestEmail', values });
		}
	},
	resendEmail: async ({ locals, url }) => {
		requireAuth(locals, url);
		try {
			const pending = await callerFor(locals).account.resendEmailChange();
			return { action: 'pendingEmail' as const, notice: `We sent a new link to ${pending.email}.` };
		} catch (err) {
			return failFrom(err, { action: 'pendingEmail' });
		}
	},
	cancelEmail: async ({ locals, url }) => {
		requireAuth(locals, url);
		try {
			await callerFor(locals).account.cancelEmailChange();
			return { action: 'pendingEmail' as const, notice: 'The email change was cancelled. Your address stays as it is.' };
		} catch (err) {
			return failFrom(err, { action: 'pendingEmail' });
		}
	},
	deleteAccount: async ({ request, locals, url, cookies }) => {
		requireAuth(locals, url);
		const parsed = parseForm(deleteAccountInput, formValues(await request.formData()), 'deleteAccount');
		if (!parsed.ok) return parsed.failure;
		try {
			await callerFor(locals).account.delete(parsed.data);
		} catch (err) {
			return failFrom(err, { action: 'deleteAccount' });
		}
		cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, '/account-deleted');
	}
};
