/** REST: `{response, name}` -> 201 with the stored passkey; 409 when that credential is registered already. */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ locals, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json(await callerFor(locals).passkeys.register(validatedByProcedure(body)), 201);
});
