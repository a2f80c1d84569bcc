import type { RequestHandler } from './$types';
import { resetPassword } from '$lib/server/auth/password-reset';
import { passwordResetInput } from '$lib/server/auth/schemas';
import { json, readJson, rest } from '$lib/server/http/json';

export const POST: RequestHandler = rest(async ({ request, locals }) => {
	const input = await readJson(request, passwordResetInput);
	await resetPassword(locals.app, input, locals.request);
	return json({ message: 'Password changed. Sign in with your new password.' });
});
