import { passwordResetRequestInput } from '$lib/server/auth/schemas';
import { requestPasswordReset } from '$lib/server/auth/password-reset';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import type { Actions, PageServerLoad } from './$types';

// The origin forms must come from: APP_URL's in production (adapter-node's ORIGIN), the address bar's under vite dev.
export const load: PageServerLoad = ({ url }) => ({ appOrigin: url.origin });

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const values = formValues(await request.formData());
		const parsed = parseForm(passwordResetRequestInput, values);
		if (!parsed.ok) return parsed.failure;
		try {
			await requestPasswordReset(locals.app, parsed.data.email, locals.request);
		} catch (err) {
			// Only rate limiting reaches here; the service answers alike for known and unknown emails.
			return failFrom(err, { values });
		}
		return { sent: true as const };
	}
};
