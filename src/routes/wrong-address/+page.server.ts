import { safeRedirectPath } from '$lib/server/pages/guard';
import type { PageServerLoad } from './$types';

/**
 * Where a refused cross-site form post lands (src/lib/server/http/form-origin.ts): the server's own
 * address (APP_URL's origin: adapter-node builds every request URL on it) and the page the person was
 * on, at that address. `to` can only name a path, so the link never leaves APP_URL.
 */
export const load: PageServerLoad = ({ url }) => ({
	appOrigin: url.origin,
	target: url.origin + safeRedirectPath(url.searchParams.get('to'), '/login')
});
