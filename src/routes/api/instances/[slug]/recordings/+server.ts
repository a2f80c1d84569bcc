/** REST: the instance's gateway session recordings, newest first (?limit=, needs view:audit_logs). */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { validatedByProcedure } from '$lib/server/http/json-object';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, params, url }) => {
	const limit = url.searchParams.get('limit');
	const input = validatedByProcedure<{ slug: string; limit?: number }>({ slug: params.slug, ...(limit ? { limit } : {}) });
	return json({ recordings: await callerFor(locals).recordings.forInstance(input) });
});
