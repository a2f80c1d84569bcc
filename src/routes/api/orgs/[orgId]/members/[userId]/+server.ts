/** REST: change a member's role, remove a member; removing oneself is leaving (no permission needed). */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const PATCH: RequestHandler = rest(async ({ locals, params, request }) => {
	const body = await readJson(request, jsonObjectBody);
	const input = { ...body, orgId: params.orgId, userId: params.userId };
	return json(await callerFor(locals).orgs.members.changeRole(validatedByProcedure(input)));
});

export const DELETE: RequestHandler = rest(async ({ locals, params }) => {
	const caller = callerFor(locals);
	if (params.userId === locals.auth?.user.id) await caller.orgs.leave({ orgId: params.orgId });
	else await caller.orgs.members.remove({ orgId: params.orgId, userId: params.userId });
	return new Response(null, { status: 204 });
});
