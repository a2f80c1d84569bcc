/** REST: the caller's own account events, newest first: ?limit=&cursor= -> `{items, nextCursor}`. */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, url }) => {
	// Empty parameters (`?cursor=`) mean "not given".
	const query = Object.fromEntries([...url.searchParams].filter(([, value]) => value !== ''));
	return json(await callerFor(locals).securityLog.list(validatedByProcedure(query)));
});
