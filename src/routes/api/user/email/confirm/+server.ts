/** REST: apply an email change with the token from the mailed link `{token}` -> 200 `{email}`. No sign-in needed. */
import type { RequestHandler } from './$types';
import { confirmEmailChangeInput } from '$lib/server/account/schemas';
import { json, readJson, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ locals, request }) => {
	const input = await readJson(request, confirmEmailChangeInput);
	return json(await callerFor(locals).account.confirmEmailChange(input));
});
