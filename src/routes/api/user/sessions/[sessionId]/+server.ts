import type { RequestHandler } from './$types';
import { rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const DELETE: RequestHandler = rest(async ({ locals, params }) => {
	await callerFor(locals).sessions.revoke({ sessionId: params.sessionId });
	return new Response(null, { status: 204 });
});
