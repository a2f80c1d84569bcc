/**
 * REST: an org's projects, each with its environments (view:instances), and creating one -> 201
 * (manage:instances). Same procedures as tRPC.
 */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, params }) =>
	json({ projects: await callerFor(locals).projects.list({ orgId: params.orgId }) })
);

export const POST: RequestHandler = rest(async ({ locals, params, request }) => {
	const body = await readJson(request, jsonObjectBody);
	// The path names the org; a body field cannot point the call at another one.
	return json(await callerFor(locals).projects.create(validatedByProcedure({ ...body, orgId: params.orgId })), 201);
});
