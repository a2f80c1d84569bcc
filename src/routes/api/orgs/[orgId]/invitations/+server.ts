/** REST: an org's invitations awaiting an answer (view:members) -> `{invitations}`. Invite via POST .../members. */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, params }) =>
	json({ invitations: await callerFor(locals).orgs.invitations.list({ orgId: params.orgId }) })
);
