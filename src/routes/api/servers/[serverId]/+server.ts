/** REST: delete a server (204); refused with 409 while instances use it. */
import type { RequestHandler } from './$types';
import { rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const DELETE: RequestHandler = rest(async ({ locals, params }) => {
	await callerFor(locals).servers.delete({ serverId: params.serverId });
	return new Response(null, { status: 204 });
});
