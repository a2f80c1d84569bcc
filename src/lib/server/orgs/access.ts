/**
 * Loading what a user may do in one org. Every org-scoped query goes through the org id checked here.
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { memberships, roles } from '../db/schema';
import { isPermission, PERMISSIONS, type Permission } from './permissions';

export type MembershipAccess = {
	orgId: string;
	userId: string;
	roleId: string;
	roleName: string;
	isOwner: boolean;
	permissions: ReadonlySet<Permission>;
};

export async function loadMembershipAccess(
	db: DbOrTx,
	orgId: string,
	userId: string
): Promise<MembershipAccess | null> {
	const [row] = await db
		.select({
			roleId: memberships.roleId,
			isOwner: memberships.isOwner,
			roleName: roles.name,
			permissions: roles.permissions
		})
		.from(memberships)
		.innerJoin(roles, eq(roles.id, memberships.roleId))
		.where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
	if (!row) return null;
	const permissions = new Set<Permission>(row.isOwner ? PERMISSIONS : row.permissions.filter(isPermission));
	return { orgId, userId, roleId: row.roleId, roleName: row.roleName, isOwner: row.isOwner, permissions };
}
