/**
 * Org pages are addressed by the org's slug (/orgs/acme-hosting). The slug is looked up in the
 * caller's own org list, so an outsider gets the same 404 as a missing org and never learns it
 * exists; an old UUID link still resolves (the layout redirects it to the slug). The permissions
 * returned only decide which controls a page shows: every procedure re-checks them on the server.
 */
import { error } from '@sveltejs/kit';
import { callerFor } from '../trpc/caller';

export type PageOrg = {
	id: string;
	name: string;
	slug: string;
	role: string;
	isOwner: boolean;
	permissions: string[];
};

export async function orgFromParam(locals: App.Locals, param: string): Promise<PageOrg> {
	const orgs = await callerFor(locals).orgs.list();
	const org = orgs.find((o) => o.slug === param) ?? orgs.find((o) => o.id === param);
	if (!org) error(404, 'Organization not found');
	const { id, name, slug, role, isOwner, permissions } = org;
	return { id, name, slug, role, isOwner, permissions: [...permissions] };
}
