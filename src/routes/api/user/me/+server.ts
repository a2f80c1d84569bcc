/**
 * REST: the caller's own account. GET it; PATCH `{name}` -> 200 with the account; DELETE
 * `{currentPassword}` -> 204, or 409 `{error: "last_owner"}` naming the orgs that would lose their
 * last owner.
 */
import type { RequestHandler } from './$types';
import { SESSION_COOKIE } from '$lib/server/auth/authenticate';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals }) => json(await callerFor(locals).auth.me()));

export const PATCH: RequestHandler = rest(async ({ locals, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json(await callerFor(locals).account.updateName(validatedByProcedure(body)));
});

export const DELETE: RequestHandler = rest(async ({ locals, request, cookies }) => {
	const body = await readJson(request, jsonObjectBody);
	await callerFor(locals).account.delete(validatedByProcedure(body));
	cookies.delete(SESSION_COOKIE, { path: '/' });
	return new Response(null, { status: 204 });
});
