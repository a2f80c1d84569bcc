/** REST: `{response, mfaToken?}` -> `{accessToken, refreshToken, expiresIn, user}`, as POST /api/auth/login answers. */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ locals, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json(await callerFor(locals).passkeys.signIn(validatedByProcedure(body)));
});
