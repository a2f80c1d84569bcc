/**
 * Members of one org: list, change role, remove, leave. Nobody is added here: people join by
 * accepting an invitation (invitations.ts, invitee.ts). Every query is scoped by the org id
 * (store.ts); a user id from another org is not_found. The last owner can never be removed nor
 * leave, and the guards in guards.ts stop a non-owner from escalating through role assignment.
 * Any member may leave, whatever their permissions. Each change is audited in the same transaction.
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { memberships } from '../db/schema';
import { AppError } from '../errors';
import { twoFactorEnabledAt, usersWithTwoFactor } from '../mfa/status';
import { authorizeInOrg, type MembershipAccess } from './access';
import { requireCanGrant, requireCanManageMember } from './guards';
import { lockOrgForActor } from './lock-org-for-actor';
import type { ChangeMemberRoleInput, MemberInput } from './schemas';
import {
	auditOrg,
	countOwners,
	findRoleInOrg,
	listMemberRows,
	lockOrg,
	requireMemberRow,
	type ActingUser,
	type MemberRow,
	type OrgDeps
} from './store';

export type Member = {
	userId: string;
	email: string;
	name: string;
	roleId: string;
	role: string;
	isOwner: boolean;
	joinedAt: Date;
	/** A confirmed TOTP setup (mfa/status.ts). */
	twoFactorEnabled: boolean;
};

function toMember(row: MemberRow, twoFactorEnabled: boolean): Member {
	return {
		userId: row.userId,
		email: row.email,
		name: row.name,
		roleId: row.roleId,
		role: row.roleName,
		isOwner: row.isOwner,
		joinedAt: row.joinedAt,
		twoFactorEnabled
	};
}

async function withTwoFactor(db: DbOrTx, row: MemberRow): Promise<Member> {
	return toMember(row, (await twoFactorEnabledAt(db, row.userId)) !== null);
}

/** Locks the org for a change to one member, whom the actor must be allowed to manage. */
async function lockManageableMember(
	tx: DbOrTx,
	orgId: string,
	acting: ActingUser,
	userId: string
): Promise<{ access: MembershipAccess; target: MemberRow }> {
	const access = await lockOrgForActor(tx, orgId, acting.userId, 'manage:members');
	const target = await requireMemberRow(tx, orgId, userId);
	requireCanManageMember(access, target);
	return { access, target };
}

/** The org's members, by email, with who has 2FA on. The caller is authorized by the front door (view:members). */
export async function listMembers(app: Pick<OrgDeps, 'db'>, orgId: string): Promise<Member[]> {
	const rows = await listMemberRows(app.db, orgId);
	const withTwoFactor = await usersWithTwoFactor(app.db, rows.map((r) => r.userId));
	return rows.map((r) => toMember(r, withTwoFactor.has(r.userId)));
}

export async function changeMemberRole(
	app: OrgDeps,
	acting: ActingUser,
	orgId: string,
	input: ChangeMemberRoleInput
): Promise<Member> {
	const now = app.clock.now();
	return app.db.transaction(async (tx) => {
		const { access, target } = await lockManageableMember(tx, orgId, acting, input.userId);
		const role = await findRoleInOrg(tx, orgId, input.role);
		requireCanGrant(access, role.permissions);
		if (role.id === target.roleId) return withTwoFactor(tx, target);
		await tx
			.update(memberships)
			.set({ roleId: role.id })
			.where(and(eq(memberships.orgId, orgId), eq(memberships.userId, target.userId)));
		await auditOrg(
			tx,
			orgId,
			acting,
			{
				action: 'member.role_changed',
				targetType: 'user',
				targetId: target.userId,
				metadata: { email: target.email, fromRoleId: target.roleId, fromRole: target.roleName, toRoleId: role.id, toRole: role.name }
			},
			now
		);
		return withTwoFactor(tx, await requireMemberRow(tx, orgId, target.userId));
	});
}

export async function removeMember(
	app: OrgDeps,
	acting: ActingUser,
	orgId: string,
	input: MemberInput
): Promise<{ userId: string }> {
	const now = app.clock.now();
	return app.db.transaction(async (tx) => {
		const { target } = await lockManageableMember(tx, orgId, acting, input.userId);
		if (target.isOwner && (await countOwners(tx, orgId)) <= 1) {
			throw new AppError('conflict', 'The last owner cannot be removed; transfer ownership first');
		}
		await tx.delete(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, target.userId)));
		// The removed member's past audit rows keep their identity: actor fields are snapshots.
		await auditOrg(
			tx,
			orgId,
			acting,
			{
				action: 'member.removed',
				targetType: 'user',
				targetId: target.userId,
				metadata: { email: target.email, roleId: target.roleId, role: target.roleName, wasOwner: target.isOwner }
			},
			now
		);
		return { userId: target.userId };
	});
}

export const LAST_OWNER_CANNOT_LEAVE =
	'You are the last owner of this organization: transfer ownership to another member or delete the organization first';

/** The actor leaves the org. Needs no permission: membership alone, never the last owner. */
export async function leaveOrg(app: OrgDeps, acting: ActingUser, orgId: string): Promise<{ orgId: string }> {
	const now = app.clock.now();
	return app.db.transaction(async (tx) => {
		await lockOrg(tx, orgId);
		// Leaving stays open to a member held back by the org's 2FA requirement, so nobody is trapped.
		const access = await authorizeInOrg(tx, { orgId, userId: acting.userId, allowWithoutRequiredTwoFactor: true });
		if (access.isOwner && (await countOwners(tx, orgId)) <= 1) throw new AppError('conflict', LAST_OWNER_CANNOT_LEAVE);
		await tx.delete(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, acting.userId)));
		await auditOrg(
			tx,
			orgId,
			acting,
			{
				action: 'member.left',
				targetType: 'user',
				targetId: acting.userId,
				metadata: { email: acting.email, roleId: access.roleId, role: access.roleName, wasOwner: access.isOwner }
			},
			now
		);
		return { orgId };
	});
}
