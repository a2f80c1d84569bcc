/**
 * REST: the asciicast v2 recording of one gateway session of the org, streamed as a download
 * (`<instance>-<session>.cast`); the dashboard's player reads it too. The session is read through
 * recordings.session first, so the one permission gate decides: outsiders get 404, members without
 * view:audit_logs 403, and a session of another org is 404 like an unknown one.
 */
import type { RequestHandler } from './$types';
import { orgRecordingFile } from '$lib/server/gateway-sessions/org-sessions';
import { rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals, params }) => {
	const session = await callerFor(locals).recordings.session({ orgId: params.orgId, sessionId: params.sessionId });
	const file = await orgRecordingFile(locals.app, params.orgId, session.id);
	return new Response(file.open(), {
		headers: {
			'content-type': 'application/x-asciicast',
			'content-length': String(file.sizeBytes),
			'content-disposition': `attachment; filename="${file.filename}"`,
			'cache-control': 'no-store',
			'x-content-type-options': 'nosniff'
		}
	});
});
