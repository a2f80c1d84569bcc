/**
 * Organizations, members and roles. Procedures validate, call a service and return; the permission
 * each one needs is declared in `.meta()` and checked by orgProcedure's single middleware.
 *
 * Permission choices: reading the org, its members and its roles needs `view:members` (every built-in
 * role has it; a custom role without it still sees its orgs, role and ownership through `orgs.list`).
 * Renaming, transferring ownership and deleting are owner-only: ownership is not a permission.
 */
import { inviteMember, listOrgInvitations, resendInvitation, revokeInvitation } from '../../orgs/invitations';
import { changeMemberRole, leaveOrg, listMembers, removeMember } from '../../orgs/members';
import { createOrg, deleteOrg, getOrgForMember, listOrgsForUser, renameOrg, transferOwnership } from '../../orgs/orgs';
import { createRole, deleteRole, listRoles, updateRole } from '../../orgs/roles';
import {
	changeMemberRoleInput,
	createOrgInput,
	createRoleInput,
	invitationInput,
	inviteMemberInput,
	memberInput,
	renameOrgInput,
	roleInput,
	setTwoFactorRequirementInput,
	transferOwnershipInput,
	updateRoleInput
} from '../../orgs/schemas';
import type { ActingUser } from '../../orgs/store';
import { twoFactorEnabledAt } from '../../mfa/status';
import { resetMemberTwoFactor, setTwoFactorRequirement, twoFactorRequirementOf } from '../../orgs/two-factor';
import type { AuthState, RequestMeta } from '../../auth/types';
import { orgIdInput, orgProcedure, protectedProcedure, router } from '../init';

/** The audit actor of a call: the signed-in user and where the request came from. */
export function actingUserOf(ctx: { auth: AuthState; request: RequestMeta }): ActingUser {
	return { userId: ctx.auth.user.id, email: ctx.auth.user.email, request: ctx.request };
}

const membersRouter = router({
	list: orgProcedure.meta({ permission: 'view:members' }).query(({ ctx, input }) => listMembers(ctx.app, input.orgId)),
	changeRole: orgProcedure
		.meta({ permission: 'manage:members' })
		.input(changeMemberRoleInput)
		.mutation(({ ctx, input }) => changeMemberRole(ctx.app, actingUserOf(ctx), input.orgId, input)),
	remove: orgProcedure
		.meta({ permission: 'manage:members' })
		.input(memberInput)
		.mutation(({ ctx, input }) => removeMember(ctx.app, actingUserOf(ctx), input.orgId, input)),
	/** Owner-only: the member signs in with the password alone until they enable 2FA again. */
	resetTwoFactor: orgProcedure
		.meta({ ownerOnly: true })
		.input(memberInput)
		.mutation(({ ctx, input }) => resetMemberTwoFactor(ctx.app, actingUserOf(ctx), input.orgId, input))
});

/** The org's 2FA requirement; enforced by the one access rule, switched here. */
const twoFactorRouter = router({
	/** With whether the caller has 2FA on, which decides whether they may turn the requirement on. */
	get: orgProcedure
		.meta({ permission: 'view:members' })
		.query(async ({ ctx, input }) => ({
			...(await twoFactorRequirementOf(ctx.app.db, input.orgId)),
			callerHasTwoFactor: (await twoFactorEnabledAt(ctx.app.db, ctx.auth.user.id)) !== null
		})),
	setRequired: orgProcedure
		.meta({ permission: 'manage:members' })
		.input(setTwoFactorRequirementInput)
		.mutation(({ ctx, input }) => setTwoFactorRequirement(ctx.app, actingUserOf(ctx), input.orgId, input))
});

/** People join only by accepting an invitation; the invitee's side is in invitations.ts. */
const orgInvitationsRouter = router({
	create: orgProcedure
		.meta({ permission: 'manage:members' })
		.input(inviteMemberInput)
		.mutation(({ ctx, input }) => inviteMember(ctx.app, actingUserOf(ctx), input.orgId, input)),
	list: orgProcedure
		.meta({ permission: 'view:members' })
		.query(({ ctx, input }) => listOrgInvitations(ctx.app, input.orgId)),
	revoke: orgProcedure
		.meta({ permission: 'manage:members' })
		.input(invitationInput)
		.mutation(({ ctx, input }) => revokeInvitation(ctx.app, actingUserOf(ctx), input.orgId, input)),
	resend: orgProcedure
		.meta({ permission: 'manage:members' })
		.input(invitationInput)
		.mutation(({ ctx, input }) => resendInvitation(ctx.app, actingUserOf(ctx), input.orgId, input))
});

const rolesRouter = router({
	list: orgProcedure.meta({ permission: 'view:members' }).query(({ ctx, input }) => listRoles(ctx.app, input.orgId)),
	create: orgProcedure
		.meta({ permission: 'manage:roles' })
		.input(createRoleInput)
		.mutation(({ ctx, input }) => createRole(ctx.app, actingUserOf(ctx), input.orgId, input)),
	update: orgProcedure
		.meta({ permission: 'manage:roles' })
		.input(updateRoleInput)
		.mutation(({ ctx, input }) => updateRole(ctx.app, actingUserOf(ctx), input.orgId, input)),
	delete: orgProcedure
		.meta({ permission: 'manage:roles' })
		.input(roleInput)
		.mutation(({ ctx, input }) => deleteRole(ctx.app, actingUserOf(ctx), input.orgId, input))
});

export const orgsRouter = router({
	create: protectedProcedure
		.input(createOrgInput)
		.mutation(({ ctx, input }) => createOrg(ctx.app, actingUserOf(ctx), input)),
	list: protectedProcedure.query(({ ctx }) => listOrgsForUser(ctx.app, ctx.auth.user.id)),
	get: orgProcedure
		.meta({ permission: 'view:members' })
		.query(({ ctx, input }) => getOrgForMember(ctx.app, input.orgId, ctx.auth.user.id)),
	rename: orgProcedure
		.meta({ ownerOnly: true })
		.input(renameOrgInput)
		.mutation(({ ctx, input }) => renameOrg(ctx.app, actingUserOf(ctx), input.orgId, input)),
	transferOwnership: orgProcedure
		.meta({ ownerOnly: true })
		.input(transferOwnershipInput)
		.mutation(({ ctx, input }) => transferOwnership(ctx.app, actingUserOf(ctx), input.orgId, input)),
	delete: orgProcedure
		.meta({ ownerOnly: true })
		.mutation(({ ctx, input }) => deleteOrg(ctx.app, actingUserOf(ctx), input.orgId)),
	/**
	 * Any member may leave: membership alone, no permission, so not an orgProcedure (which requires a
	 * declared permission); the service refuses non-members (not_found) and the last owner.
	 */
	leave: protectedProcedure
		.input(orgIdInput)
		.mutation(({ ctx, input }) => leaveOrg(ctx.app, actingUserOf(ctx), input.orgId)),
	members: membersRouter,
	twoFactor: twoFactorRouter,
	invitations: orgInvitationsRouter,
	roles: rolesRouter
});
