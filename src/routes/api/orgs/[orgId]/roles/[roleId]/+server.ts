/** REST: rename or re-permission a custom role (manage:roles); delete it (204, 409 while in use). */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const PATCH: RequestHandler = rest(async ({ locals, params, request }) => {
	const body = await readJson(request, jsonObjectBody);
	const input = { ...body, orgId: params.orgId, roleId: params.roleId };
	return json(await callerFor(locals).orgs.roles.update(validatedByProcedure(input)));
});

export const DELETE: RequestHandler = rest(async ({ locals, params }) => {
	await callerFor(locals).orgs.roles.delete({ orgId: params.orgId, roleId: params.roleId });
	return new Response(null, { status: 204 });
});
