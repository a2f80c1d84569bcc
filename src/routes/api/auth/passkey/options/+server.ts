/** REST: WebAuthn request options for a passkey sign-in (no user named), or `{mfaToken}` for the second step. */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ locals, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json(await callerFor(locals).passkeys.signInOptions(validatedByProcedure(body)));
});
