/** REST: the key fingerprints of an org's members (view:ssh_keys) -> `{members: [{userId, email, name, keys}]}`. */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, params }) =>
	json({ members: await callerFor(locals).sshKeys.orgMemberKeys({ orgId: params.orgId }) })
);
