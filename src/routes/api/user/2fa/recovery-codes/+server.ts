import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { regenerateRecoveryCodesInput } from '$lib/server/mfa/schemas';
import { callerFor } from '$lib/server/trpc/caller';

/** Replaces the whole set of recovery codes; the new ones are in this answer only. */
export const POST: RequestHandler = rest(async ({ request, locals }) => {
	const input = await readJson(request, regenerateRecoveryCodesInput);
	return json(await callerFor(locals).twoFactor.regenerateRecoveryCodes(input));
});
