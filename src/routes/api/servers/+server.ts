/** REST: register a Docker engine for an org (201) and list an org's servers (?orgId=). Same procedures as tRPC. */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, url }) =>
	json({ servers: await callerFor(locals).servers.list(validatedByProcedure({ orgId: url.searchParams.get('orgId') ?? undefined })) })
);

export const POST: RequestHandler = rest(async ({ locals, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json(await callerFor(locals).servers.create(validatedByProcedure(body)), 201);
});
