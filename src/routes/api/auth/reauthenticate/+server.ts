import type { RequestHandler } from './$types';
import { readJson, rest } from '$lib/server/http/json';
import { reauthenticateInput } from '$lib/server/mfa/schemas';
import { callerFor } from '$lib/server/trpc/caller';

/** "Confirm access" with `{password}` or `{code}`: 204, and this session may change sign-in factors for 10 minutes. */
export const POST: RequestHandler = rest(async ({ request, locals }) => {
	const input = await readJson(request, reauthenticateInput);
	await callerFor(locals).twoFactor.reauthenticate(input);
	return new Response(null, { status: 204 });
});
