/** REST: an org's gateway sessions, newest first (view:audit_logs): ?instance=&limit=&cursor=&after= */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

const PARAMS = ['instance', 'limit', 'cursor', 'after'];

export const GET: RequestHandler = rest(async ({ locals, params, url }) => {
	// Empty parameters (`?instance=`) mean "no filter", not "match the empty string".
	const query = Object.fromEntries([...url.searchParams].filter(([name, value]) => PARAMS.includes(name) && value !== ''));
	return json(await callerFor(locals).recordings.sessions(validatedByProcedure({ ...query, orgId: params.orgId })));
});
