/** REST: `{response}` -> `{reauthenticatedAt}`: the session may now change its sign-in factors for 10 minutes. */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ locals, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json(await callerFor(locals).passkeys.reauthenticate(validatedByProcedure(body)));
});
