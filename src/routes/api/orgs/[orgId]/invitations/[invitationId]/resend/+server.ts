/** REST: mail a pending invitation again with a new link and a new 7-day expiry -> `{invitation}`. */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ locals, params }) =>
	json({ invitation: await callerFor(locals).orgs.invitations.resend({ orgId: params.orgId, invitationId: params.invitationId }) })
);
