/** REST: decline one of the caller's invitations -> 204; anyone else's -> 404. */
import type { RequestHandler } from './$types';
import { rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ locals, params }) => {
	await callerFor(locals).invitations.decline({ invitationId: params.invitationId });
	return new Response(null, { status: 204 });
});
