import type { RequestHandler } from './$types';
import { refreshInput } from '$lib/server/auth/schemas';
import { refreshApiSession } from '$lib/server/auth/service';
import { json, readJson, rest } from '$lib/server/http/json';

export const POST: RequestHandler = rest(async ({ request, locals }) => {
	const { refreshToken } = await readJson(request, refreshInput);
	return json(await refreshApiSession(locals.app, refreshToken, locals.request));
});
