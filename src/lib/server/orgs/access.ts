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
 * - While O requires two-factor authentication (`organizations.require_two_factor`), a member whose
 *   account has no 2FA on (no confirmed TOTP credential) is told `forbidden` with publicCode
 *   `mfa_required`, before any permission check, whatever they ask for and through every door. Only
 *   two things stay open so nobody is trapped: reading the org's name in their own org list (which
 *   does not come through here) and leaving the org (`allowWithoutRequiredTwoFactor`). The org row and
 *   the 2FA fact are joined into the same one query as the membership, never asked separately.
 * The rule is written twice only in form: as a function over a loaded membership (`grants`), and as
 * the same predicate in SQL (`grantsSql`) for the queries that filter many orgs or sessions at once,
 * or join the verdict into a larger lookup (`accessSubquery`, as the gateway does on every connect).
 */
import { and, eq, inArray, isNotNull, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { memberships, organizations, roles, totpCredentials } from '../db/schema';
import { AppError } from '../errors';
import { PERMISSIONS, type Permission } from './permissions';

export type MembershipAccess = {
	orgId: string;
	userId: string;
	roleId: string;
	roleName: string;
	isOwner: boolean;
	permissions: ReadonlySet<Permission>;
	orgName: string;
	/** The org requires 2FA and this member has none: refused everything but leaving. */
	lacksRequiredTwoFactor: boolean;
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

/** A confirmed TOTP credential of the membership's user, left-joined (null when 2FA is off). */
const confirmedTotpOfMember = and(eq(totpCredentials.userId, memberships.userId), isNotNull(totpCredentials.enabledAt));

/**
 * The 2FA requirement in SQL, over `memberships` joined to `organizations` and left-joined to
 * `totp_credentials` on `confirmedTotpOfMember`: true when the member is held back by it.
 */
const lacksRequiredTwoFactorSql = sql<boolean>`(${organizations.requireTwoFactor} and ${totpCredentials.userId} is null)`;

/** The refusal of a member held back by the org's 2FA requirement; the message names the org. */
export function mfaRequiredError(orgName: string): AppError {
	return new AppError('forbidden', mfaRequiredMessage(orgName), { publicCode: 'mfa_required' });
}

export function mfaRequiredMessage(orgName: string): string {
	return `${orgName} requires two-factor authentication. Turn it on in Settings > Security.`;
}

export async function loadMembershipAccess(db: DbOrTx, orgId: string, userId: string): Promise<MembershipAccess | null> {
	const [row] = await db
		.select({
			roleId: memberships.roleId,
			isOwner: memberships.isOwner,
			roleName: roles.name,
			rolePermissions: roles.permissions,
			orgName: organizations.name,
			lacksRequiredTwoFactor: lacksRequiredTwoFactorSql.mapWith(Boolean)
		})
		.from(memberships)
		.innerJoin(roles, eq(roles.id, memberships.roleId))
		.innerJoin(organizations, eq(organizations.id, memberships.orgId))
		.leftJoin(totpCredentials, confirmedTotpOfMember)
		.where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
	if (!row) return null;
	const permissions = new Set<Permission>(permissionsGranted(row));
	return {
		orgId,
		userId,
		roleId: row.roleId,
		roleName: row.roleName,
		isOwner: row.isOwner,
		permissions,
		orgName: row.orgName,
		lacksRequiredTwoFactor: row.lacksRequiredTwoFactor
	};
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
	/** Only for leaving the org: a member held back by the 2FA requirement may still walk away. */
	allowWithoutRequiredTwoFactor?: boolean;
};

/**
 * The access of a member allowed to act, or the outsider's not_found / the member's mfa_required /
 * the member's forbidden.
 */
export async function authorizeInOrg(db: DbOrTx, request: AuthorizeInOrg): Promise<MembershipAccess> {
	const access = await loadMembershipAccess(db, request.orgId, request.userId);
	if (!access) throw new AppError('not_found', request.notFoundMessage ?? 'Organization not found');
	if (access.lacksRequiredTwoFactor && !request.allowWithoutRequiredTwoFactor) throw mfaRequiredError(access.orgName);
	if (request.permission) requirePermission(access, request.permission);
	return access;
}

/** The orgs where `userId` may do `permission` (orgs whose 2FA requirement holds them back are left out). */
export async function orgIdsPermitting(db: DbOrTx, userId: string, permission: Permission): Promise<string[]> {
	const rows = await db
		.select({ orgId: memberships.orgId })
		.from(memberships)
		.innerJoin(roles, eq(roles.id, memberships.roleId))
		.innerJoin(organizations, eq(organizations.id, memberships.orgId))
		.leftJoin(totpCredentials, confirmedTotpOfMember)
		.where(and(eq(memberships.userId, userId), grantsSql(permission), sql`not ${lacksRequiredTwoFactorSql}`));
	return rows.map((r) => r.orgId);
}

export type AccessVerdict = 'allowed' | 'not_member' | 'mfa_required' | 'forbidden';

/** The columns a verdict is read from (null throughout when there is no membership row). */
type VerdictRow = { memberUserId: string | null; allowed: boolean | null; lacksRequiredTwoFactor: boolean | null };

/** The rule's order of refusals over one row: outsider, then the 2FA requirement, then the permission. */
function verdictOf(row: VerdictRow | undefined): AccessVerdict {
	if (row === undefined || row.memberUserId === null) return 'not_member';
	if (row.lacksRequiredTwoFactor) return 'mfa_required';
	return row.allowed ? 'allowed' : 'forbidden';
}

/**
 * The rule for one (org, user) pair, as a subquery to join LATERAL into a larger query (the gateway's
 * one lookup of key, instance and access): `orgId` and `userId` are columns of that query. At most one
 * row (memberships are keyed by org and user); none for an outsider, whose verdict is then not_member.
 * The LIMIT keeps the planner from pulling the subquery up into the outer join search: eight joined
 * relations cost PostgreSQL several milliseconds of planning on every connect, two groups of four do not.
 */
export function accessSubquery(db: DbOrTx, orgId: AnyColumn, userId: AnyColumn, permission: Permission) {
	return db
		.select({
			memberUserId: sql<string>`${memberships.userId}`.as('access_member_user_id'),
			allowed: sql<boolean>`${grantsSql(permission)}`.mapWith(Boolean).as('access_allowed'),
			lacksRequiredTwoFactor: sql<boolean>`${lacksRequiredTwoFactorSql}`.mapWith(Boolean).as('access_lacks_required_two_factor'),
			orgName: sql<string>`${organizations.name}`.as('access_org_name')
		})
		.from(memberships)
		.innerJoin(roles, eq(roles.id, memberships.roleId))
		.innerJoin(organizations, eq(organizations.id, memberships.orgId))
		.leftJoin(totpCredentials, confirmedTotpOfMember)
		.where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
		.limit(1)
		.as('access');
}

/** The verdict over the columns of `accessSubquery` (null when it had no row); for mfa_required, the member's line. */
export function accessVerdict(
	row: VerdictRow & { orgName: string | null }
): { verdict: Exclude<AccessVerdict, 'mfa_required'> } | { verdict: 'mfa_required'; message: string } {
	const verdict = verdictOf(row);
	return verdict === 'mfa_required' ? { verdict, message: mfaRequiredMessage(row.orgName ?? '') } : { verdict };
}

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
					.select({
						userId: memberships.userId,
						orgId: memberships.orgId,
						allowed: grantsSql(permission).mapWith(Boolean),
						lacksRequiredTwoFactor: lacksRequiredTwoFactorSql.mapWith(Boolean)
					})
					.from(memberships)
					.innerJoin(roles, eq(roles.id, memberships.roleId))
					.innerJoin(organizations, eq(organizations.id, memberships.orgId))
					.leftJoin(totpCredentials, confirmedTotpOfMember)
					.where(inArray(memberships.userId, userIds));
	const found = new Map(rows.map((r) => [`${r.userId}/${r.orgId}`, { ...r, memberUserId: r.userId }]));
	return ({ userId, orgId }) => verdictOf(found.get(`${userId}/${orgId}`));
}
