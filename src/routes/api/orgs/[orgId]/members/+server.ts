/** REST: list an org's members, add an existing user by email with a role (name or id). */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, params }) =>
	json({ members: await callerFor(locals).orgs.members.list({ orgId: params.orgId }) })
);

export const POST: RequestHandler = rest(async ({ locals, params, request }) => {
	const body = await readJson(request, jsonObjectBody);
	// The path names the org; a body field cannot point the call at another one.
	const member = await callerFor(locals).orgs.members.add(validatedByProcedure({ ...body, orgId: params.orgId }));
	return json(member, 201);
});
