import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { enableTwoFactorInput } from '$lib/server/mfa/schemas';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ request, locals }) => {
	const input = await readJson(request, enableTwoFactorInput);
	return json(await callerFor(locals).twoFactor.enable(input));
});
