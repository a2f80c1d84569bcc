/** REST: remove one of the caller's SSH keys -> 204; any other id -> 404. */
import type { RequestHandler } from './$types';
import { rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const DELETE: RequestHandler = rest(async ({ locals, params }) => {
	await callerFor(locals).sshKeys.delete({ keyId: params.keyId });
	return new Response(null, { status: 204 });
});
