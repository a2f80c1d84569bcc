import { redirect } from '@sveltejs/kit';
import { requireAuth } from '$lib/server/pages/guard';
import type { PageServerLoad } from './$types';

/** /settings opens on the profile, as the sidebar's first entry. */
export const load: PageServerLoad = ({ locals, url }) => {
	// Signed-out visitors go to sign-in first (with the reason their session ended, if any).
	requireAuth(locals, url);
	redirect(307, '/settings/profile');
};
