/** REST: revoke a pending invitation (manage:members) -> 204; its link stops working. */
import type { RequestHandler } from './$types';
import { rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const DELETE: RequestHandler = rest(async ({ locals, params }) => {
	await callerFor(locals).orgs.invitations.revoke({ orgId: params.orgId, invitationId: params.invitationId });
	return new Response(null, { status: 204 });
});
