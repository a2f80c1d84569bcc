/**
 * REST: the org's settings that are not its name. Today that is the 2FA requirement:
 * GET -> `{requireTwoFactor, memberCount, membersWithoutTwoFactor}`; PATCH `{requireTwoFactor: boolean}`
 * (owner or manage:members; turning it on needs 2FA on the caller's own account, else 409).
 */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, params }) => json(await callerFor(locals).orgs.twoFactor.get({ orgId: params.orgId })));

export const PATCH: RequestHandler = rest(async ({ locals, params, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json(await callerFor(locals).orgs.twoFactor.setRequired(validatedByProcedure({ ...body, orgId: params.orgId })));
});
