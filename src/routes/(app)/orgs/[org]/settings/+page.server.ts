import { fail, redirect } from '@sveltejs/kit';
import { renameOrgInput } from '$lib/server/orgs/schemas';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { throwPageError } from '$lib/server/pages/load-error';
import { orgFromParam } from '$lib/server/pages/org-param';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

/**
 * The org's name, leaving it, and deleting it. Any member may see this page (leaving needs no
 * permission); an owner also learns how many owners there are, since the last one cannot leave.
 */
export const load: PageServerLoad = async ({ locals, url, params }) => {
	requireAuth(locals, url);
	const org = await orgFromParam(locals, params.org);
	const caller = callerFor(locals);
	try {
		// The 2FA card's state is for members who may see the member list (view:members).
		const twoFactor = org.permissions.includes('view:members') ? await caller.orgs.twoFactor.get({ orgId: org.id }) : null;
		if (!org.isOwner) return { ownerCount: null, twoFactor };
		const members = await caller.orgs.members.list({ orgId: org.id });
		return { ownerCount: members.filter((m) => m.isOwner).length, twoFactor };
	} catch (err) {
		throwPageError(err);
	}
};

export const actions: Actions = {
	rename: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const values = formValues(await request.formData());
		const parsed = parseForm(renameOrgInput, values, 'rename');
		if (!parsed.ok) return parsed.failure;
		try {
			const org = await callerFor(locals).orgs.rename({ orgId, ...parsed.data });
			return { action: 'rename', notice: `The organization is now called ${org.name}.` };
		} catch (err) {
			return failFrom(err, { action: 'rename', field: 'name', values });
		}
	},
	/** Owners and members with manage:members; the procedure refuses turning it on without one's own 2FA. */
	requireTwoFactor: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const org = await orgFromParam(locals, params.org);
		const requireTwoFactor = formValues(await request.formData()).requireTwoFactor === 'true';
		try {
			await callerFor(locals).orgs.twoFactor.setRequired({ orgId: org.id, requireTwoFactor });
		} catch (err) {
			return failFrom(err, { action: 'requireTwoFactor' });
		}
		const notice = requireTwoFactor
			? `${org.name} now requires two-factor authentication. Members without it are sent to turn it on.`
			: `${org.name} no longer requires two-factor authentication.`;
		return { action: 'requireTwoFactor', notice };
	},
	/** Also posted from the Security page's notice by a member the org's 2FA requirement holds back. */
	leave: async ({ locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org, { allowWithoutRequiredTwoFactor: true })).id;
		try {
			await callerFor(locals).orgs.leave({ orgId });
		} catch (err) {
			return failFrom(err, { action: 'leave' });
		}
		redirect(303, '/dashboard');
	},
	/** The typed slug guards against deleting the wrong org by habit; the procedure checks ownership. */
	deleteOrg: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const org = await orgFromParam(locals, params.org);
		const typed = formValues(await request.formData()).confirm?.trim() ?? '';
		if (typed !== org.slug) {
			return fail(400, { action: 'deleteOrg', field: 'confirm', message: `Type ${org.slug} to confirm; nothing was deleted.` });
		}
		try {
			await callerFor(locals).orgs.delete({ orgId: org.id });
		} catch (err) {
			return failFrom(err, { action: 'deleteOrg' });
		}
		redirect(303, '/dashboard');
	}
};
