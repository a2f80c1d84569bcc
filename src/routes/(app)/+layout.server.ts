import { requireAuth } from '$lib/server/pages/guard';
import type { LayoutServerLoad } from './$types';

/**
 * Sends signed-out visitors of the signed-in area to /login on full page loads. This is a
 * convenience, not the protection: each page's load and actions call requireAuth themselves.
 */
export const load: LayoutServerLoad = ({ locals, url }) => {
	requireAuth(locals, url);
};
