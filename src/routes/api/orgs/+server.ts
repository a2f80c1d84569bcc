/** REST: create an org (the caller becomes its owner) and list the caller's orgs. Same procedures as tRPC. */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals }) => json({ orgs: await callerFor(locals).orgs.list() }));

export const POST: RequestHandler = rest(async ({ locals, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json(await callerFor(locals).orgs.create(validatedByProcedure(body)), 201);
});
