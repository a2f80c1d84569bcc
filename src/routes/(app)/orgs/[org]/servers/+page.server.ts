import { requireAuth } from '$lib/server/pages/guard';
import { throwPageError } from '$lib/server/pages/load-error';
import { orgFromParam } from '$lib/server/pages/org-param';
import { callerFor } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

/**
 * The org's Docker servers, never with their secrets (the service returns only whether one is
 * stored). servers.list checks view:instances, as the REST route does: a member without it gets the
 * 403 page. The local socket's path is shown only to platform administrators, who alone may register it.
 */
export const load: PageServerLoad = async ({ locals, url, params }) => {
	const auth = requireAuth(locals, url);
	const org = await orgFromParam(locals, params.org);
	try {
		return {
			servers: await callerFor(locals).servers.list({ orgId: org.id }),
			apiUrl: locals.app.config.appUrl.origin,
			dockerSocketPath: auth.user.isPlatformAdmin ? locals.app.config.dockerSocketPath : null,
			now: new Date()
		};
	} catch (err) {
		throwPageError(err);
	}
};
