import { redirect } from '@sveltejs/kit';
import { requireAuth } from '$lib/server/pages/guard';
import { orgFromParam } from '$lib/server/pages/org-param';
import type { LayoutServerLoad } from './$types';

/**
 * The org header and sidebar. Read from the caller's own org list (not orgs.get) so a member whose
 * custom role lacks view:members still sees the org; outsiders get the same 404 as a missing org.
 * An old /orgs/<uuid> link is sent to the slug address.
 */
export const load: LayoutServerLoad = async ({ locals, url, params }) => {
	requireAuth(locals, url);
	const org = await orgFromParam(locals, params.org);
	if (params.org !== org.slug) redirect(308, url.pathname.replace(`/orgs/${params.org}`, `/orgs/${org.slug}`) + url.search);
	return { org };
};
