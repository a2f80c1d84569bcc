import { error } from '@sveltejs/kit';
import { requireAuth } from '$lib/server/pages/guard';
import { callerFor } from '$lib/server/trpc/caller';
import type { LayoutServerLoad } from './$types';

/**
 * The org header and tabs. Read from the caller's own org list (not orgs.get) so a member whose
 * custom role lacks view:members still sees the org; outsiders get the same 404 as a missing org.
 * The permissions returned only decide which controls to show: every action is re-checked server-side.
 */
export const load: LayoutServerLoad = async ({ locals, url, params }) => {
	requireAuth(locals, url);
	const org = (await callerFor(locals).orgs.list()).find((o) => o.id === params.orgId);
	if (!org) error(404, 'Organization not found');
	const { id, name, slug, role, isOwner, permissions } = org;
	return { org: { id, name, slug, role, isOwner, permissions } };
};
