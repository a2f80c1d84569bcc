/** REST: an org's audit log, newest first: ?actor=&action=&from=&to=&limit=&cursor= */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, params, url }) => {
	// Empty parameters (`?actor=`) mean "no filter", not "match the empty string".
	const query = Object.fromEntries([...url.searchParams].filter(([, value]) => value !== ''));
	const page = await callerFor(locals).audit.list(validatedByProcedure({ ...query, orgId: params.orgId }));
	return json(page);
});
