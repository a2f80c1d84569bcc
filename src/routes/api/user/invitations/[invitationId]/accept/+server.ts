/** REST: accept one of the caller's invitations -> 200 `{orgId, roleId, role}`; anyone else's -> 404. */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ locals, params }) =>
	json(await callerFor(locals).invitations.accept({ invitationId: params.invitationId }))
);
