/** REST: an owner resets a member's 2FA (their authenticator and recovery codes are removed) -> 204. */
import type { RequestHandler } from './$types';
import { rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const DELETE: RequestHandler = rest(async ({ locals, params }) => {
	await callerFor(locals).orgs.members.resetTwoFactor({ orgId: params.orgId, userId: params.userId });
	return new Response(null, { status: 204 });
});
