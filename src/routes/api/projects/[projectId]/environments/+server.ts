/** REST: a project's environments (view:instances) and creating one -> 201 (manage:instances). */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, params }) =>
	json({ environments: await callerFor(locals).projects.environments.list({ projectId: params.projectId }) })
);

export const POST: RequestHandler = rest(async ({ locals, params, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json(await callerFor(locals).projects.environments.create(validatedByProcedure({ ...body, projectId: params.projectId })), 201);
});
