/**
 * Org data-access policy: every function here takes the org id and filters by it, so a user or role
 * id that belongs to another org is simply not found. Mutating services lock the org row first
 * (SELECT ... FOR UPDATE): that serialises concurrent membership and role changes of one org, which
 * is what keeps "at least one owner" and "a role in use cannot be deleted" true under concurrency.
 */
import { and, count, eq, or } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { appendOrgAudit } from '../audit/append';
import type { RequestMeta } from '../auth/types';
import type { DbOrTx } from '../db/client';
import { memberships, orgInvitations, organizations, roles, users } from '../db/schema';
import { AppError } from '../errors';

/** What an org service needs from the application. */
export type OrgDeps = Pick<AppContext, 'db' | 'clock'>;

/** Who is acting and from where: the audit row's actor and request fields. */
export type ActingUser = { userId: string; email: string; request: RequestMeta };

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type OrgRow = typeof organizations.$inferSelect;
export type RoleRow = typeof roles.$inferSelect;

/** Locks the org row for the rest of the transaction; not_found when it does not exist. */
export async function lockOrg(tx: DbOrTx, orgId: string): Promise<OrgRow> {
	const [org] = await tx.select().from(organizations).where(eq(organizations.id, orgId)).for('update');
	if (!org) throw new AppError('not_found', 'Organization not found');
	return org;
}

/** A role of this org, by id or by name; not_found otherwise (including another org's role id). */
export async function findRoleInOrg(tx: DbOrTx, orgId: string, ref: string): Promise<RoleRow> {
	const match = UUID_PATTERN.test(ref) ? or(eq(roles.id, ref), eq(roles.name, ref)) : eq(roles.name, ref);
	const rows = await tx
		.select()
		.from(roles)
		.where(and(eq(roles.orgId, orgId), match));
	// An id match wins over a custom role that happens to be named like a UUID.
	const role = rows.find((r) => r.id === ref) ?? rows[0];
	if (!role) throw new AppError('not_found', `Role not found: ${ref}`);
	return role;
}

export async function findRoleById(tx: DbOrTx, orgId: string, roleId: string): Promise<RoleRow> {
	const [role] = await tx
		.select()
		.from(roles)
		.where(and(eq(roles.orgId, orgId), eq(roles.id, roleId)));
	if (!role) throw new AppError('not_found', 'Role not found');
	return role;
}

export type MemberRow = {
	userId: string;
	email: string;
	name: string;
	roleId: string;
	roleName: string;
	rolePermissions: string[];
	isOwner: boolean;
	joinedAt: Date;
};

const memberColumns = {
	userId: memberships.userId,
	email: users.email,
	name: users.name,
	roleId: memberships.roleId,
	roleName: roles.name,
	rolePermissions: roles.permissions,
	isOwner: memberships.isOwner,
	joinedAt: memberships.createdAt
};

export async function listMemberRows(tx: DbOrTx, orgId: string): Promise<MemberRow[]> {
	return tx
		.select(memberColumns)
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.innerJoin(roles, and(eq(roles.id, memberships.roleId), eq(roles.orgId, orgId)))
		.where(eq(memberships.orgId, orgId))
		.orderBy(users.email);
}

export async function findMemberRow(tx: DbOrTx, orgId: string, userId: string): Promise<MemberRow | null> {
	const [row] = await tx
		.select(memberColumns)
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.innerJoin(roles, and(eq(roles.id, memberships.roleId), eq(roles.orgId, orgId)))
		.where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
	return row ?? null;
}

export async function requireMemberRow(tx: DbOrTx, orgId: string, userId: string): Promise<MemberRow> {
	const row = await findMemberRow(tx, orgId, userId);
	if (!row) throw new AppError('not_found', 'Member not found');
	return row;
}

export async function countOwners(tx: DbOrTx, orgId: string): Promise<number> {
	const [row] = await tx
		.select({ n: count() })
		.from(memberships)
		.where(and(eq(memberships.orgId, orgId), eq(memberships.isOwner, true)));
	return row?.n ?? 0;
}

export async function countRoleMembers(tx: DbOrTx, orgId: string, roleId: string): Promise<number> {
	const [row] = await tx
		.select({ n: count() })
		.from(memberships)
		.where(and(eq(memberships.orgId, orgId), eq(memberships.roleId, roleId)));
	return row?.n ?? 0;
}

/** Invitations still awaiting an answer (expired ones too: they can be resent) that offer the role. */
export async function countRoleInvitations(tx: DbOrTx, orgId: string, roleId: string): Promise<number> {
	const [row] = await tx
		.select({ n: count() })
		.from(orgInvitations)
		.where(and(eq(orgInvitations.orgId, orgId), eq(orgInvitations.roleId, roleId), eq(orgInvitations.status, 'pending')));
	return row?.n ?? 0;
}

export type OrgAuditEvent = {
	action: string;
	targetType?: string;
	targetId?: string;
	metadata?: Record<string, unknown>;
};

/** Writes one row of the org's audit chain inside the caller's transaction. */
export async function auditOrg(tx: DbOrTx, orgId: string, acting: ActingUser, event: OrgAuditEvent, now: Date) {
	await appendOrgAudit(
		tx,
		orgId,
		{
			actor: { userId: acting.userId, email: acting.email },
			action: event.action,
			targetType: event.targetType ?? null,
			targetId: event.targetId ?? null,
			metadata: event.metadata ?? {},
			ipAddress: acting.request.ipAddress,
			userAgent: acting.request.userAgent
		},
		now
	);
}
