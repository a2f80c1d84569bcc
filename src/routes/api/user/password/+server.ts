import type { RequestHandler } from './$types';
import { changePasswordInput } from '$lib/server/auth/schemas';
import { json, readJson, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const PUT: RequestHandler = rest(async ({ request, locals }) => {
	const input = await readJson(request, changePasswordInput);
	return json(await callerFor(locals).auth.changePassword(input));
});
