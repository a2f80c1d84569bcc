import { redirect } from '@sveltejs/kit';
import { createOrgInput } from '$lib/server/orgs/schemas';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { acceptInvitationAction, declineInvitationAction } from '$lib/server/pages/invitation-actions';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	requireAuth(locals, url);
	const caller = callerFor(locals);
	const [orgs, invitations] = await Promise.all([caller.orgs.list(), caller.invitations.mine()]);
	return {
		orgs: orgs.map(({ id, name, slug, role, isOwner, memberCount, mfaRequired }) => ({ id, name, slug, role, isOwner, memberCount, mfaRequired })),
		invitations,
		now: new Date()
	};
};

export const actions: Actions = {
	accept: acceptInvitationAction,
	decline: declineInvitationAction,
	createOrg: async ({ request, locals, url }) => {
		requireAuth(locals, url);
		const values = formValues(await request.formData());
		const parsed = parseForm(createOrgInput, values);
		if (!parsed.ok) return parsed.failure;
		let org;
		try {
			org = await callerFor(locals).orgs.create(parsed.data);
		} catch (err) {
			// The only expected refusal is a taken slug.
			return failFrom(err, { field: 'slug', values });
		}
		redirect(303, `/orgs/${org.slug}`);
	}
};
