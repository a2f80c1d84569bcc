import type { RequestHandler } from './$types';
import { requestPasswordReset } from '$lib/server/auth/password-reset';
import { passwordResetRequestInput } from '$lib/server/auth/schemas';
import { json, readJson, rest } from '$lib/server/http/json';

const RESET_REQUESTED_MESSAGE = 'If an account exists for that email, a reset link is on its way.';

export const POST: RequestHandler = rest(async ({ request, locals }) => {
	const { email } = await readJson(request, passwordResetRequestInput);
	await requestPasswordReset(locals.app, email, locals.request);
	return json({ message: RESET_REQUESTED_MESSAGE }, 202);
});
