/** REST: the caller's SSH keys. List them; add one `{name, publicKey}` -> 201 with the stored key. */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals }) => json(await callerFor(locals).sshKeys.list()));

export const POST: RequestHandler = rest(async ({ locals, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json(await callerFor(locals).sshKeys.add(validatedByProcedure(body)), 201);
});
