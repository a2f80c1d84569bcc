import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** The old "Account" page was split into Profile and Security; bookmarks land on Profile. */
export const load: PageServerLoad = () => {
	redirect(308, '/settings/profile');
};
