import { confirmEmailChangeInput } from '$lib/server/account/schemas';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

/**
 * The page behind the link mailed to a new address. No sign-in needed: the token is the proof, and
 * the link is often opened on another device. A GET only shows a button (mail scanners open links),
 * so the change happens on POST alone.
 */
export const load: PageServerLoad = ({ url, locals }) => {
	return { token: url.searchParams.get('token') ?? '', signedIn: locals.auth !== null };
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const parsed = parseForm(confirmEmailChangeInput, formValues(await request.formData()));
		if (!parsed.ok) return parsed.failure;
		try {
			const { email } = await callerFor(locals).account.confirmEmailChange(parsed.data);
			return { confirmedEmail: email };
		} catch (err) {
			return failFrom(err);
		}
	}
};
