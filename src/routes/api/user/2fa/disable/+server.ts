import type { RequestHandler } from './$types';
import { readJson, rest } from '$lib/server/http/json';
import { disableTwoFactorInput } from '$lib/server/mfa/schemas';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ request, locals }) => {
	const input = await readJson(request, disableTwoFactorInput);
	await callerFor(locals).twoFactor.disable(input);
	return new Response(null, { status: 204 });
});
