/**
 * REST: list instances (every org where the caller holds view:instances, or one org with ?orgId=)
 * and create one (201). Statuses are refreshed from Docker on the way out. Every instance in the
 * answer carries `projectId`, `project`, `environmentId` and `environment` (names read through its
 * environment). Creating takes `environmentId`; the free-text `project` and `environment` of the
 * release before are still accepted for this release only (deprecated): they name a project and
 * environment of the org, found or created, "default" for one not given.
 */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, url }) => {
	const orgId = url.searchParams.get('orgId');
	const caller = callerFor(locals);
	const instances = orgId ? await caller.instances.list(validatedByProcedure({ orgId })) : await caller.instances.listMine();
	return json({ instances });
});

export const POST: RequestHandler = rest(async ({ locals, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json(await callerFor(locals).instances.create(validatedByProcedure(body)), 201);
});
