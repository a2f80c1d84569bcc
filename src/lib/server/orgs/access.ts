/**
 * The one authorization rule of the product. Every caller (the tRPC middleware, the services, the SSH
 * gateway and the browser terminal) asks this module; none re-states the rule.
 *
 * Policy:
 * - A user may do P in org O when they are a member of O and either own O or hold a role listing P.
 *   Owners hold every permission whatever their role.
 * - An outsider is told `not_found` (with the caller's wording: "Organization not found", "Instance
 *   not found" ...), so the existence of another org's rows is never revealed.
 * - A member without P is told `forbidden` with "Permission denied: P".
 * The rule is written twice only in form: as a function over a loaded membership (`grants`), and as
 * the same predicate in SQL (`grantsSql`) for the queries that filter many orgs or sessions at once.
 */
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { memberships, roles } from '../db/schema';
import { AppError } from '../errors';
import { PERMISSIONS, type Permission } from './permissions';

export type MembershipAccess = {
	orgId: string;
	userId: string;
	roleId: string;
	roleName: string;
	isOwner: boolean;
	permissions: ReadonlySet<Permission>;
};

/** The rule over one membership row. */
function grants(row: { isOwner: boolean; rolePermissions: readonly string[] }, permission: Permission): boolean {
	return row.isOwner || row.rolePermissions.includes(permission);
}

/** Every permission one membership row grants. */
export function permissionsGranted(row: { isOwner: boolean; rolePermissions: readonly string[] }): Permission[] {
	return PERMISSIONS.filter((p) => grants(row, p));
}

/** The same rule in SQL, over `memberships` joined to `roles`. */
function grantsSql(permission: Permission): SQL {
	return or(eq(memberships.isOwner, true), sql`${permission} = any(${roles.permissions})`)!;
}

export async function loadMembershipAccess(db: DbOrTx, orgId: string, userId: string): Promise<MembershipAccess | null> {
	const [row] = await db
		.select({
			roleId: memberships.roleId,
			isOwner: memberships.isOwner,
			roleName: roles.name,
			rolePermissions: roles.permissions
		})
		.from(memberships)
		.innerJoin(roles, eq(roles.id, memberships.roleId))
		.where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
	if (!row) return null;
	const permissions = new Set<Permission>(permissionsGranted(row));
	return { orgId, userId, roleId: row.roleId, roleName: row.roleName, isOwner: row.isOwner, permissions };
}

export function holds(access: MembershipAccess | null, permission: Permission): boolean {
	return access !== null && access.permissions.has(permission);
}

/** Members get `Permission denied: <permission>` when they lack it. */
export function requirePermission(access: MembershipAccess, permission: Permission): void {
	if (!holds(access, permission)) throw new AppError('forbidden', `Permission denied: ${permission}`);
}

export type AuthorizeInOrg = {
	orgId: string;
	userId: string;
	/** Omitted: membership alone is enough. */
	permission?: Permission;
	/** What an outsider is told; the resource's own name, so nothing reveals that the org exists. */
	notFoundMessage?: string;
};

/** The access of a member allowed to act, or the outsider's not_found / the member's forbidden. */
export async function authorizeInOrg(db: DbOrTx, request: AuthorizeInOrg): Promise<MembershipAccess> {
	const access = await loadMembershipAccess(db, request.orgId, request.userId);
	if (!access) throw new AppError('not_found', request.notFoundMessage ?? 'Organization not found');
	if (request.permission) requirePermission(access, request.permission);
	return access;
}

/** The orgs where `userId` may do `permission`. */
export async function orgIdsPermitting(db: DbOrTx, userId: string, permission: Permission): Promise<string[]> {
	const rows = await db
		.select({ orgId: memberships.orgId })
		.from(memberships)
		.innerJoin(roles, eq(roles.id, memberships.roleId))
		.where(and(eq(memberships.userId, userId), grantsSql(permission)));
	return rows.map((r) => r.orgId);
}

export type AccessVerdict = 'allowed' | 'not_member' | 'forbidden';

/**
 * The verdict for many (user, org) pairs in one query: the gateway's revocation watcher re-checks
 * every open session of its process every few seconds with this.
 */
export async function verdictsFor(
	db: DbOrTx,
	pairs: readonly { userId: string; orgId: string }[],
	permission: Permission
): Promise<(pair: { userId: string; orgId: string }) => AccessVerdict> {
	const userIds = [...new Set(pairs.map((p) => p.userId))];
	const rows =
		userIds.length === 0
			? []
			: await db
					.select({ userId: memberships.userId, orgId: memberships.orgId, allowed: grantsSql(permission).mapWith(Boolean) })
					.from(memberships)
					.innerJoin(roles, eq(roles.id, memberships.roleId))
					.where(inArray(memberships.userId, userIds));
	const found = new Map(rows.map((r) => [`${r.userId}/${r.orgId}`, r.allowed]));
	return ({ userId, orgId }) => {
		const allowed = found.get(`${userId}/${orgId}`);
		if (allowed === undefined) return 'not_member';
		return allowed ? 'allowed' : 'forbidden';
	};
}
