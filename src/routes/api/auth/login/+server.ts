import type { RequestHandler } from './$types';
import { loginInput } from '$lib/server/auth/schemas';
import { loginApi } from '$lib/server/auth/service';
import { json, readJson, rest } from '$lib/server/http/json';

export const POST: RequestHandler = rest(async ({ request, locals }) => {
	const input = await readJson(request, loginInput);
	return json(await loginApi(locals.app, input, locals.request));
});
