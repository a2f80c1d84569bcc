import { requireAuth } from '$lib/server/pages/guard';
import { orgFromParam } from '$lib/server/pages/org-param';
import { throwPageError } from '$lib/server/pages/load-error';
import { callerFor } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

/** One gateway session of the org and, when it was recorded in full, its playback and download. */
export const load: PageServerLoad = async ({ locals, url, params }) => {
	requireAuth(locals, url);
	const orgId = (await orgFromParam(locals, params.org)).id;
	try {
		const session = await callerFor(locals).recordings.session({ orgId, sessionId: params.session });
		return { session, recordingUrl: `/api/orgs/${orgId}/sessions/${session.id}/recording`, now: new Date() };
	} catch (err) {
		throwPageError(err);
	}
};
