/**
 * Input truth for organizations, members and roles: shared by the tRPC router, the REST facade and
 * tests. Org-scoped inputs do not repeat `orgId`: orgProcedure adds it, and services take it as an
 * explicit argument so every query is visibly scoped by it.
 */
import { z } from 'zod';
import { emailSchema } from '../auth/schemas';
import { slugSchema } from '../slugs';
import { PERMISSIONS } from './permissions';

export const orgSlugSchema = slugSchema(3);

export const orgNameSchema = z
	.string({ error: 'Name is required' })
	.trim()
	.min(1, 'Name is required')
	.max(100, 'Name must be at most 100 characters');

export const createOrgInput = z.object({ name: orgNameSchema, slug: orgSlugSchema });
export type CreateOrgInput = z.infer<typeof createOrgInput>;

export const renameOrgInput = z.object({ name: orgNameSchema });
export type RenameOrgInput = z.infer<typeof renameOrgInput>;

export const userIdSchema = z.uuid({ error: 'userId must be a UUID' });
export const roleIdSchema = z.uuid({ error: 'roleId must be a UUID' });

/** A role named by its id or by its name within the org ("Developer", "On-call"). */
export const roleRefSchema = z
	.string({ error: 'Role is required' })
	.trim()
	.min(1, 'Role is required')
	.max(64, 'Role must be at most 64 characters');

export const transferOwnershipInput = z.object({
	userId: userIdSchema,
	/** By default the caller hands ownership over; with true the target becomes a co-owner. */
	keepOwnership: z.boolean().default(false)
});
export type TransferOwnershipInput = z.infer<typeof transferOwnershipInput>;

/** Inviting someone by email: they become a member only when they accept (invitations.ts). */
export const inviteMemberInput = z.object({ email: emailSchema, role: roleRefSchema });
export type InviteMemberInput = z.infer<typeof inviteMemberInput>;

export const invitationIdSchema = z.uuid({ error: 'invitationId must be a UUID' });
export const invitationInput = z.object({ invitationId: invitationIdSchema });
export type InvitationInput = z.infer<typeof invitationInput>;

/** The token of a mailed invitation link (43 base64url characters); anything else is simply not found. */
export const invitationTokenInput = z.object({ token: z.string().min(1, 'token is required').max(128, 'token is too long') });

export const changeMemberRoleInput = z.object({ userId: userIdSchema, role: roleRefSchema });
export type ChangeMemberRoleInput = z.infer<typeof changeMemberRoleInput>;

export const memberInput = z.object({ userId: userIdSchema });
export type MemberInput = z.infer<typeof memberInput>;

export const roleNameSchema = z
	.string({ error: 'Role name is required' })
	.trim()
	.min(1, 'Role name is required')
	.max(64, 'Role name must be at most 64 characters');

export const permissionListSchema = z
	.array(z.enum(PERMISSIONS, { error: `Unknown permission; expected one of ${PERMISSIONS.join(', ')}` }), {
		error: 'Permissions must be a list'
	})
	// A role without any permission would grant nothing, not even the sight of the org's members.
	.min(1, 'Choose at least one permission: a role without permissions grants nothing')
	.max(PERMISSIONS.length * 2, 'Too many permissions')
	// Stored sorted and without duplicates, so equal roles compare equal in the audit log.
	.transform((list) => [...new Set(list)].sort());

export const createRoleInput = z.object({ name: roleNameSchema, permissions: permissionListSchema });
export type CreateRoleInput = z.infer<typeof createRoleInput>;

export const updateRoleInput = z
	.object({ roleId: roleIdSchema, name: roleNameSchema.optional(), permissions: permissionListSchema.optional() })
	.refine((v) => v.name !== undefined || v.permissions !== undefined, {
		message: 'Give a new name or a new permission list',
		path: ['name']
	});
export type UpdateRoleInput = z.infer<typeof updateRoleInput>;

export const roleInput = z.object({ roleId: roleIdSchema });
export type RoleInput = z.infer<typeof roleInput>;


/** The org's 2FA requirement (PATCH /api/orgs/{id}/settings, orgs.twoFactor.setRequired). */
export const setTwoFactorRequirementInput = z.object({
	requireTwoFactor: z.boolean({ error: 'requireTwoFactor must be true or false' })
});
export type SetTwoFactorRequirementInput = z.infer<typeof setTwoFactorRequirementInput>;
