import { redirect } from '@sveltejs/kit';
import { passwordResetInput } from '$lib/server/auth/schemas';
import { resetPassword } from '$lib/server/auth/password-reset';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => {
	// The token is only checked when the form is posted: a GET must not consume or probe it.
	return { token: url.searchParams.get('token') ?? '' };
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const values = formValues(await request.formData());
		const parsed = parseForm(passwordResetInput, values);
		if (!parsed.ok) return parsed.failure;
		try {
			await resetPassword(locals.app, parsed.data, locals.request);
		} catch (err) {
			return failFrom(err);
		}
		redirect(303, '/login?reset=1');
	}
};
