import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { totpVerifyInput } from '$lib/server/mfa/schemas';
import { verifyMfaSignIn } from '$lib/server/mfa/sign-in';

/** The second step of an API sign-in with 2FA: answers exactly what /api/auth/login answers without it. */
export const POST: RequestHandler = rest(async ({ request, locals }) => {
	const input = await readJson(request, totpVerifyInput);
	return json(await verifyMfaSignIn(locals.app, 'api', input, locals.request));
});
