import { redirect } from '@sveltejs/kit';
import { requireAuth } from '$lib/server/pages/guard';
import type { PageServerLoad } from './$types';

/** The old "Account" page was split into Profile and Security; bookmarks land on Profile. */
export const load: PageServerLoad = ({ locals, url }) => {
	// Signed-out visitors go to sign-in first (with the reason their session ended, if any).
	requireAuth(locals, url);
	redirect(308, '/settings/profile');
};
