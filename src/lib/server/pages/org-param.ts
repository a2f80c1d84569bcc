/**
 * Org pages are addressed by the org's slug (/orgs/acme-hosting). The slug is looked up in the
 * caller's own org list, so an outsider gets the same 404 as a missing org and never learns it
 * exists; an old UUID link still resolves (the layout redirects it to the slug). The permissions
 * returned only decide which controls a page shows: every procedure re-checks them on the server.
 * A member held back by the org's 2FA requirement is sent to Settings > Security, whose notice names
 * the org (every org page's load and action comes through here; the procedures refuse them anyway).
 * Only leaving the org passes `allowWithoutRequiredTwoFactor`.
 */
import { error, redirect } from '@sveltejs/kit';
import { callerFor } from '../trpc/caller';

export type PageOrg = {
	id: string;
	name: string;
	slug: string;
	role: string;
	isOwner: boolean;
	permissions: string[];
	requireTwoFactor: boolean;
};

/** Where a member without 2FA is sent from an org that requires it. */
export function mfaRequiredPath(orgSlug: string): string {
	return `/settings/security?mfa_required=${encodeURIComponent(orgSlug)}`;
}

export async function orgFromParam(locals: App.Locals, param: string, options: { allowWithoutRequiredTwoFactor?: boolean } = {}): Promise<PageOrg> {
	const orgs = await callerFor(locals).orgs.list();
	const org = orgs.find((o) => o.slug === param) ?? orgs.find((o) => o.id === param);
	if (!org) error(404, 'Organization not found');
	if (org.mfaRequired && !options.allowWithoutRequiredTwoFactor) redirect(303, mfaRequiredPath(org.slug));
	const { id, name, slug, role, isOwner, permissions, requireTwoFactor } = org;
	return { id, name, slug, role, isOwner, permissions: [...permissions], requireTwoFactor };
}
