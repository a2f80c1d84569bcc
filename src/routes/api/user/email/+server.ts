/**
 * REST: changing the caller's email address. GET the pending change (or null); POST
 * `{email, currentPassword}` -> 202 (a link goes to the new address, a notice to the old one);
 * DELETE -> 204 cancels the pending change.
 */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { jsonObjectBody, validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals }) => json({ pending: await callerFor(locals).account.pendingEmailChange() }));

export const POST: RequestHandler = rest(async ({ locals, request }) => {
	const body = await readJson(request, jsonObjectBody);
	return json({ pending: await callerFor(locals).account.requestEmailChange(validatedByProcedure(body)) }, 202);
});

export const DELETE: RequestHandler = rest(async ({ locals }) => {
	await callerFor(locals).account.cancelEmailChange();
	return new Response(null, { status: 204 });
});
