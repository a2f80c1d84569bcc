import type { RequestHandler } from './$types';
import { signupInput } from '$lib/server/auth/schemas';
import { signup } from '$lib/server/auth/service';
import { json, readJson, rest } from '$lib/server/http/json';

export const POST: RequestHandler = rest(async ({ request, locals }) => {
	const input = await readJson(request, signupInput);
	const user = await signup(locals.app, input, locals.request);
	return json({ user }, 201);
});
