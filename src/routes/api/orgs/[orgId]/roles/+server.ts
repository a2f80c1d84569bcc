/**
 * REST: an org's roles (built-in first, each with its member count) and creating a custom role
 * -> 201 role. Same procedures as tRPC: view:members lists, manage:roles creates; a role without any
 * permission is refused (400 naming `permissions`).
 */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, params }) =>
	json({ roles: await callerFor(locals).orgs.roles.list({ orgId: params.orgId }) })
);

export const POST: RequestHandler = rest(async ({ locals, params, request }) => {
	const body = await readJson(request, jsonObjectBody);
	// The path names the org; a body field cannot point the call at another one.
	return json(await callerFor(locals).orgs.roles.create(validatedByProcedure({ ...body, orgId: params.orgId })), 201);
});
