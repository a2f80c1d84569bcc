/**
 * Roles of one org. The built-in Admin/Developer/Viewer copies are read-only; custom roles are made of
 * permissions from the one list in permissions.ts (the input schema rejects anything else). A role
 * still assigned to a member cannot be deleted (409). A non-owner cannot build or widen a role beyond
 * their own permissions (guards.ts). Every change is audited in the same transaction.
 */
import { and, asc, count, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { memberships, roles } from '../db/schema';
import { isForeignKeyViolation, isUniqueViolation } from '../db/pg-errors';
import { AppError } from '../errors';
import { requireCanGrant } from './guards';
import { lockOrgForActor } from './lock-org-for-actor';
import { isPermission, type Permission } from './permissions';
import type { CreateRoleInput, RoleInput, UpdateRoleInput } from './schemas';
import { auditOrg, countRoleInvitations, countRoleMembers, findRoleById, type ActingUser, type OrgAuditEvent, type OrgDeps, type RoleRow } from './store';

export type Role = {
	id: string;
	name: string;
	permissions: Permission[];
	isBuiltIn: boolean;
	createdAt: Date;
};

export type RoleWithUsage = Role & { memberCount: number };

function toRole(row: RoleRow): Role {
	return {
		id: row.id,
		name: row.name,
		permissions: row.permissions.filter(isPermission),
		isBuiltIn: row.isBuiltIn,
		createdAt: row.createdAt
	};
}

/** A role that may be changed or deleted: the built-in copies are read-only. */
async function findCustomRole(tx: DbOrTx, orgId: string, roleId: string): Promise<RoleRow> {
	const role = await findRoleById(tx, orgId, roleId);
	if (role.isBuiltIn) throw new AppError('forbidden', 'Built-in roles are read-only');
	return role;
}

/** The audit event of a role created or deleted, which records the role as it stood. */
function roleSnapshotEvent(action: string, role: RoleRow): OrgAuditEvent {
	return { action, targetType: 'role', targetId: role.id, metadata: { name: role.name, permissions: role.permissions } };
}

function nameTaken(name: string) {
	return new AppError('conflict', `A role named "${name}" already exists`);
}

/** Built-in roles first, then custom ones by name, each with how many members hold it. */
export async function listRoles(app: Pick<OrgDeps, 'db'>, orgId: string): Promise<RoleWithUsage[]> {
	const rows = await app.db
		.select({ role: roles, memberCount: count(memberships.userId) })
		.from(roles)
		.leftJoin(memberships, and(eq(memberships.roleId, roles.id), eq(memberships.orgId, orgId)))
		.where(eq(roles.orgId, orgId))
		.groupBy(roles.id)
		.orderBy(desc(roles.isBuiltIn), asc(roles.name));
	return rows.map((r) => ({ ...toRole(r.role), memberCount: r.memberCount }));
}

export async function createRole(app: OrgDeps, acting: ActingUser, orgId: string, input: CreateRoleInput): Promise<Role> {
	const now = app.clock.now();
	try {
		return await app.db.transaction(async (tx) => {
			const access = await lockOrgForActor(tx, orgId, acting.userId, 'manage:roles');
			requireCanGrant(access, input.permissions);
			const [role] = await tx
				.insert(roles)
				.values({ orgId, name: input.name, permissions: input.permissions, isBuiltIn: false, createdAt: now })
				.returning();
			if (!role) throw new Error('role insert returned nothing');
			await auditOrg(tx, orgId, acting, roleSnapshotEvent('role.created', role), now);
			return toRole(role);
		});
	} catch (err) {
		if (isUniqueViolation(err, 'roles_org_name_unique')) throw nameTaken(input.name);
		throw err;
	}
}

export async function updateRole(app: OrgDeps, acting: ActingUser, orgId: string, input: UpdateRoleInput): Promise<Role> {
	const now = app.clock.now();
	try {
		return await app.db.transaction(async (tx) => {
			const access = await lockOrgForActor(tx, orgId, acting.userId, 'manage:roles');
			const before = await findCustomRole(tx, orgId, input.roleId);
			const name = input.name ?? before.name;
			const permissions = input.permissions ?? before.permissions;
			// Widening a role grants its new permissions to everyone holding it, and renaming or
			// narrowing someone else's powerful role is also acting beyond one's own rights.
			requireCanGrant(access, [...before.permissions, ...permissions]);
			const [after] = await tx
				.update(roles)
				.set({ name, permissions })
				.where(and(eq(roles.orgId, orgId), eq(roles.id, before.id)))
				.returning();
			if (!after) throw new AppError('not_found', 'Role not found');
			await auditOrg(
				tx,
				orgId,
				acting,
				{
					action: 'role.updated',
					targetType: 'role',
					targetId: after.id,
					metadata: {
						before: { name: before.name, permissions: before.permissions },
						after: { name: after.name, permissions: after.permissions }
					}
				},
				now
			);
			return toRole(after);
		});
	} catch (err) {
		if (isUniqueViolation(err, 'roles_org_name_unique')) throw nameTaken(input.name ?? '');
		throw err;
	}
}

export async function deleteRole(app: OrgDeps, acting: ActingUser, orgId: string, input: RoleInput): Promise<{ id: string }> {
	const now = app.clock.now();
	try {
		return await app.db.transaction(async (tx) => {
			const access = await lockOrgForActor(tx, orgId, acting.userId, 'manage:roles');
			const role = await findCustomRole(tx, orgId, input.roleId);
			requireCanGrant(access, role.permissions);
			const inUse = await countRoleMembers(tx, orgId, role.id);
			if (inUse > 0) {
				throw new AppError('conflict', `Role "${role.name}" is assigned to ${inUse} member(s); reassign them first`);
			}
			// Deleting it would silently delete the invitations offering it (and leave no audit row).
			const offered = await countRoleInvitations(tx, orgId, role.id);
			if (offered > 0) {
				throw new AppError('conflict', `Role "${role.name}" is offered by ${offered} pending invitation(s); revoke them first`);
			}
			await tx.delete(roles).where(and(eq(roles.orgId, orgId), eq(roles.id, role.id)));
			await auditOrg(tx, orgId, acting, roleSnapshotEvent('role.deleted', role), now);
			return { id: role.id };
		});
	} catch (err) {
		// The membership foreign key is the last word if a member was given the role concurrently.
		if (isForeignKeyViolation(err)) throw new AppError('conflict', 'Role is assigned to members; reassign them first');
		throw err;
	}
}
