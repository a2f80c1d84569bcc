import { enableTwoFactorInput } from '$lib/server/mfa/schemas';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { redirectIfReauthenticationRequired } from '$lib/server/pages/reauth';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

const HERE = '/settings/security/two-factor';

/** Enable 2FA: the pending secret (the same one again on reload, for 30 minutes) as a QR code and as text. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const { user } = requireAuth(locals, url);
	const caller = callerFor(locals);
	if ((await caller.twoFactor.status()).enabled) return { email: user.email, enabled: true as const, setup: null };
	try {
		return { email: user.email, enabled: false as const, setup: await caller.twoFactor.setup({ reusePending: true }) };
	} catch (err) {
		redirectIfReauthenticationRequired(err, HERE);
		throw err;
	}
};

export const actions: Actions = {
	enable: async ({ request, locals, url }) => {
		requireAuth(locals, url);
		const parsed = parseForm(enableTwoFactorInput, formValues(await request.formData()));
		if (!parsed.ok) return parsed.failure;
		try {
			const { recoveryCodes } = await callerFor(locals).twoFactor.enable(parsed.data);
			return { recoveryCodes };
		} catch (err) {
			redirectIfReauthenticationRequired(err, HERE);
			return failFrom(err);
		}
	}
};
