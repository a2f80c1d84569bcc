/** REST: one instance by slug (status refreshed from Docker); delete it (204, the container is left alone). */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, params }) => json(await callerFor(locals).instances.get({ slug: params.slug })));

export const DELETE: RequestHandler = rest(async ({ locals, params }) => {
	await callerFor(locals).instances.delete({ slug: params.slug });
	return new Response(null, { status: 204 });
});
