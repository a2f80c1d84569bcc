/** REST: rename a project (manage:instances); delete it (204; 409 `in_use` while it has environments). */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const PATCH: RequestHandler = rest(async ({ locals, params, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json(await callerFor(locals).projects.rename(validatedByProcedure({ ...body, projectId: params.projectId })));
});

export const DELETE: RequestHandler = rest(async ({ locals, params }) => {
	await callerFor(locals).projects.delete({ projectId: params.projectId });
	return new Response(null, { status: 204 });
});
