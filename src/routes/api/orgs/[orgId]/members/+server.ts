/**
 * REST: list an org's members; invite someone by email with a role (name or id) -> 201 `{invitation}`.
 * Nobody is added here: the invitee accepts (POST /api/user/invitations/{id}/accept). The answer is the
 * same whether or not the address has an account.
 */
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
	const invitation = await callerFor(locals).orgs.invitations.create(validatedByProcedure({ ...body, orgId: params.orgId }));
	return json({ invitation }, 201);
});
