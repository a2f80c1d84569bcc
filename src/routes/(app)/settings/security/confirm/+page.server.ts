import { redirect } from '@sveltejs/kit';
import { reauthenticateInput } from '$lib/server/mfa/schemas';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth, safeRedirectPath } from '$lib/server/pages/guard';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

const back = (url: URL) => safeRedirectPath(url.searchParams.get('redirectTo'), '/settings/security');

/** "Confirm access" before a change of sign-in factor: the password, a code when 2FA is on, or a passkey. */
export const load: PageServerLoad = async ({ locals, url }) => {
	requireAuth(locals, url);
	const caller = callerFor(locals);
	const [{ enabled }, passkeys] = await Promise.all([caller.twoFactor.status(), caller.passkeys.list()]);
	return { twoFactorEnabled: enabled, hasPasskeys: passkeys.length > 0, redirectTo: back(url) };
};

async function confirmWith(field: 'password' | 'code', request: Request, locals: App.Locals, url: URL) {
	requireAuth(locals, url);
	const values = formValues(await request.formData());
	const parsed = parseForm(reauthenticateInput, { [field]: values[field] ?? '' }, field);
	if (!parsed.ok) return parsed.failure;
	try {
		await callerFor(locals).twoFactor.reauthenticate(parsed.data);
	} catch (err) {
		return failFrom(err, { action: field });
	}
	redirect(303, back(url));
}

export const actions: Actions = {
	password: ({ request, locals, url }) => confirmWith('password', request, locals, url),
	code: ({ request, locals, url }) => confirmWith('code', request, locals, url)
};
