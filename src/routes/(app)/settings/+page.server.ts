import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** /settings opens on the profile, as the sidebar's first entry. */
export const load: PageServerLoad = () => {
	redirect(307, '/settings/profile');
};
