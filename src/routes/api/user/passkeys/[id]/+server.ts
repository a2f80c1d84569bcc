/** REST: rename one of the caller's passkeys `{name}`, or delete it (204); any other id -> 404. */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const PATCH: RequestHandler = rest(async ({ locals, params, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json(await callerFor(locals).passkeys.rename({ name: body.name as string, id: params.id }));
});

export const DELETE: RequestHandler = rest(async ({ locals, params }) => {
	await callerFor(locals).passkeys.delete({ id: params.id });
	return new Response(null, { status: 204 });
});
