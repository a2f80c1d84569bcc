import { redirect } from '@sveltejs/kit';
import { changeMemberRoleInput, invitationInput, inviteMemberInput, memberInput, transferOwnershipInput } from '$lib/server/orgs/schemas';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { orgFromParam } from '$lib/server/pages/org-param';
import { throwPageError } from '$lib/server/pages/load-error';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const auth = requireAuth(locals, url);
	const orgId = (await orgFromParam(locals, params.org)).id;
	const caller = callerFor(locals);
	try {
		const [members, roles, invitations] = await Promise.all([
			caller.orgs.members.list({ orgId }),
			caller.orgs.roles.list({ orgId }),
			caller.orgs.invitations.list({ orgId })
		]);
		return { members, roles: roles.map(({ id, name }) => ({ id, name })), invitations, myUserId: auth.user.id, now: new Date() };
	} catch (err) {
		throwPageError(err);
	}
};

/**
 * Each action re-checks the session here and the permission in the procedure it calls. Leaving and
 * deleting the org live on the org's Settings page.
 */
export const actions: Actions = {
	invite: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const values = formValues(await request.formData());
		const parsed = parseForm(inviteMemberInput, values, 'invite');
		if (!parsed.ok) return parsed.failure;
		try {
			const invitation = await callerFor(locals).orgs.invitations.create({ orgId, ...parsed.data });
			return { action: 'invite', notice: `${invitation.email} was invited as ${invitation.role}. They join when they accept.` };
		} catch (err) {
			return failFrom(err, { action: 'invite', field: 'email', values });
		}
	},
	resendInvitation: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const parsed = parseForm(invitationInput, formValues(await request.formData()), 'resendInvitation');
		if (!parsed.ok) return parsed.failure;
		try {
			const invitation = await callerFor(locals).orgs.invitations.resend({ orgId, ...parsed.data });
			return { action: 'resendInvitation', notice: `The invitation to ${invitation.email} was sent again.` };
		} catch (err) {
			return failFrom(err, { action: 'resendInvitation' });
		}
	},
	revokeInvitation: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const parsed = parseForm(invitationInput, formValues(await request.formData()), 'revokeInvitation');
		if (!parsed.ok) return parsed.failure;
		try {
			await callerFor(locals).orgs.invitations.revoke({ orgId, ...parsed.data });
		} catch (err) {
			return failFrom(err, { action: 'revokeInvitation' });
		}
		return { action: 'revokeInvitation', notice: 'The invitation was revoked; its link no longer works.' };
	},
	changeRole: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const parsed = parseForm(changeMemberRoleInput, formValues(await request.formData()), 'changeRole');
		if (!parsed.ok) return parsed.failure;
		try {
			const member = await callerFor(locals).orgs.members.changeRole({ orgId, ...parsed.data });
			return { action: 'changeRole', notice: `${member.name} is now ${member.role}.` };
		} catch (err) {
			return failFrom(err, { action: 'changeRole' });
		}
	},
	remove: async ({ request, locals, url, params }) => {
		const auth = requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const parsed = parseForm(memberInput, formValues(await request.formData()), 'remove');
		if (!parsed.ok) return parsed.failure;
		try {
			await callerFor(locals).orgs.members.remove({ orgId, ...parsed.data });
		} catch (err) {
			return failFrom(err, { action: 'remove' });
		}
		// Leaving the org takes away the right to see this page.
		if (parsed.data.userId === auth.user.id) redirect(303, '/dashboard');
		return { action: 'remove', notice: 'The member was removed.' };
	},
	/** Owner-only (the procedure checks): the member signs in with the password alone until they enable 2FA again. */
	resetTwoFactor: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const parsed = parseForm(memberInput, formValues(await request.formData()), 'resetTwoFactor');
		if (!parsed.ok) return parsed.failure;
		const caller = callerFor(locals);
		try {
			await caller.orgs.members.resetTwoFactor({ orgId, ...parsed.data });
		} catch (err) {
			return failFrom(err, { action: 'resetTwoFactor' });
		}
		return { action: 'resetTwoFactor', notice: 'Two-factor authentication was reset. The member signs in with their password until they turn it on again.' };
	},
	transferOwnership: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const parsed = parseForm(transferOwnershipInput, formValues(await request.formData()), 'transferOwnership');
		if (!parsed.ok) return parsed.failure;
		try {
			await callerFor(locals).orgs.transferOwnership({ orgId, ...parsed.data });
		} catch (err) {
			return failFrom(err, { action: 'transferOwnership' });
		}
		return { action: 'transferOwnership', notice: 'Ownership was transferred. You are no longer an owner.' };
	}
};
