/**
 * Organizations: create (creator becomes owner with the Admin role), list the caller's, read one,
 * rename, transfer ownership, delete. Ownership is a flag beside the role; only owners rename,
 * transfer or delete, and an org always keeps at least one owner. Every change is audited in the
 * same transaction, so a failed change leaves neither a row nor an audit entry behind.
 */
import { and, count, eq, inArray } from 'drizzle-orm';
import { memberships, organizations, roles } from '../db/schema';
import { isUniqueViolation } from '../db/pg-errors';
import { AppError } from '../errors';
import { twoFactorEnabledAt } from '../mfa/status';
import { authorizeInOrg, permissionsGranted } from './access';
import { requireOwner } from './guards';
import { BUILT_IN_ROLES, PERMISSIONS, type BuiltInRoleName, type Permission } from './permissions';
import type { CreateOrgInput, RenameOrgInput, TransferOwnershipInput } from './schemas';
import { auditOrg, lockOrg, requireMemberRow, type ActingUser, type OrgDeps } from './store';

export type Org = { id: string; name: string; slug: string; createdAt: Date };

/** An org as one member sees it: their role, ownership and effective permissions. */
export type OrgForMember = Org & { roleId: string; role: string; isOwner: boolean; permissions: Permission[] };

/**
 * An org in the caller's list: how many members it has, or null where they may not see its members;
 * whether it requires 2FA, and whether that requirement holds the caller back (`mfaRequired`).
 */
export type OrgListItem = OrgForMember & { memberCount: number | null; requireTwoFactor: boolean; mfaRequired: boolean };

function slugTaken(slug: string) {
	return new AppError('conflict', `The slug "${slug}" is already taken`);
}

export async function createOrg(app: OrgDeps, acting: ActingUser, input: CreateOrgInput): Promise<OrgForMember> {
	const now = app.clock.now();
	try {
		return await app.db.transaction(async (tx) => {
			const [org] = await tx
				.insert(organizations)
				.values({ name: input.name, slug: input.slug, createdAt: now })
				.returning();
			if (!org) throw new Error('organization insert returned nothing');
			const seeded = await tx
				.insert(roles)
				.values(
					(Object.keys(BUILT_IN_ROLES) as BuiltInRoleName[]).map((name) => ({
						orgId: org.id,
						name,
						permissions: [...BUILT_IN_ROLES[name]],
						isBuiltIn: true,
						createdAt: now
					}))
				)
				.returning();
			const admin = seeded.find((r) => r.name === 'Admin');
			if (!admin) throw new Error('Admin role was not seeded');
			await tx
				.insert(memberships)
				.values({ orgId: org.id, userId: acting.userId, roleId: admin.id, isOwner: true, createdAt: now });
			await auditOrg(
				tx,
				org.id,
				acting,
				{ action: 'org.created', targetType: 'org', targetId: org.id, metadata: { name: org.name, slug: org.slug } },
				now
			);
			return {
				id: org.id,
				name: org.name,
				slug: org.slug,
				createdAt: org.createdAt,
				roleId: admin.id,
				role: admin.name,
				isOwner: true,
				permissions: [...PERMISSIONS]
			};
		});
	} catch (err) {
		if (isUniqueViolation(err, 'organizations_slug_unique')) throw slugTaken(input.slug);
		throw err;
	}
}

/**
 * The orgs `userId` belongs to, with their role and ownership in each, by name. The member count is
 * given only where they hold view:members, the permission that shows the member list itself.
 */
export async function listOrgsForUser(app: Pick<OrgDeps, 'db'>, userId: string): Promise<OrgListItem[]> {
	const rows = await app.db
		.select({
			id: organizations.id,
			name: organizations.name,
			slug: organizations.slug,
			createdAt: organizations.createdAt,
			roleId: roles.id,
			role: roles.name,
			rolePermissions: roles.permissions,
			isOwner: memberships.isOwner,
			requireTwoFactor: organizations.requireTwoFactor
		})
		.from(memberships)
		.innerJoin(organizations, eq(organizations.id, memberships.orgId))
		.innerJoin(roles, and(eq(roles.id, memberships.roleId), eq(roles.orgId, memberships.orgId)))
		.where(eq(memberships.userId, userId))
		.orderBy(organizations.name, organizations.id);
	// The org list is one of the two doors the 2FA requirement leaves open (names only, so the member
	// can find the org to leave it or see why it is closed); everything else is asked of access.ts.
	const hasTwoFactor = rows.some((r) => r.requireTwoFactor) && (await twoFactorEnabledAt(app.db, userId)) !== null;
	const orgs = rows.map(({ rolePermissions, ...row }) => ({
		...row,
		permissions: permissionsGranted({ isOwner: row.isOwner, rolePermissions }),
		mfaRequired: row.requireTwoFactor && !hasTwoFactor
	}));
	const countable = orgs.filter((o) => !o.mfaRequired && o.permissions.includes('view:members')).map((o) => o.id);
	const counts = new Map<string, number>();
	if (countable.length > 0) {
		const grouped = await app.db
			.select({ orgId: memberships.orgId, members: count() })
			.from(memberships)
			.where(inArray(memberships.orgId, countable))
			.groupBy(memberships.orgId);
		for (const g of grouped) counts.set(g.orgId, g.members);
	}
	return orgs.map((o) => ({ ...o, memberCount: counts.get(o.id) ?? null }));
}

/** One org as `userId` sees it; not_found for non-members, so outsiders learn nothing. */
export async function getOrgForMember(app: Pick<OrgDeps, 'db'>, orgId: string, userId: string): Promise<OrgForMember> {
	const [org] = await app.db.select().from(organizations).where(eq(organizations.id, orgId));
	if (!org) throw new AppError('not_found', 'Organization not found');
	const access = await authorizeInOrg(app.db, { orgId, userId });
	return {
		id: org.id,
		name: org.name,
		slug: org.slug,
		createdAt: org.createdAt,
		roleId: access.roleId,
		role: access.roleName,
		isOwner: access.isOwner,
		permissions: [...access.permissions].sort()
	};
}

export async function renameOrg(app: OrgDeps, acting: ActingUser, orgId: string, input: RenameOrgInput): Promise<Org> {
	const now = app.clock.now();
	return app.db.transaction(async (tx) => {
		const org = await lockOrg(tx, orgId);
		requireOwner(await authorizeInOrg(tx, { orgId, userId: acting.userId }));
		if (org.name === input.name) return { id: org.id, name: org.name, slug: org.slug, createdAt: org.createdAt };
		const [renamed] = await tx
			.update(organizations)
			.set({ name: input.name })
			.where(eq(organizations.id, orgId))
			.returning();
		if (!renamed) throw new AppError('not_found', 'Organization not found');
		await auditOrg(
			tx,
			orgId,
			acting,
			{ action: 'org.renamed', targetType: 'org', targetId: orgId, metadata: { from: org.name, to: input.name } },
			now
		);
		return { id: renamed.id, name: renamed.name, slug: renamed.slug, createdAt: renamed.createdAt };
	});
}

/**
 * Makes `input.userId` an owner. Unless `keepOwnership`, the caller stops being one (their role is
 * unchanged), so there is never a moment without an owner.
 */
export async function transferOwnership(
	app: OrgDeps,
	acting: ActingUser,
	orgId: string,
	input: TransferOwnershipInput
): Promise<{ fromUserId: string; toUserId: string; keptOwnership: boolean }> {
	const now = app.clock.now();
	return app.db.transaction(async (tx) => {
		await lockOrg(tx, orgId);
		requireOwner(await authorizeInOrg(tx, { orgId, userId: acting.userId }));
		if (input.userId === acting.userId) throw new AppError('conflict', 'You already own this organization');
		const target = await requireMemberRow(tx, orgId, input.userId);
		// Handing over to a co-owner is fine (the caller steps down); making a co-owner twice is not.
		if (target.isOwner && input.keepOwnership) throw new AppError('conflict', 'That member is already an owner');
		await tx
			.update(memberships)
			.set({ isOwner: true })
			.where(and(eq(memberships.orgId, orgId), eq(memberships.userId, target.userId)));
		if (!input.keepOwnership) {
			await tx
				.update(memberships)
				.set({ isOwner: false })
				.where(and(eq(memberships.orgId, orgId), eq(memberships.userId, acting.userId)));
		}
		await auditOrg(
			tx,
			orgId,
			acting,
			{
				action: 'ownership.transferred',
				targetType: 'user',
				targetId: target.userId,
				metadata: { toEmail: target.email, keptOwnership: input.keepOwnership }
			},
			now
		);
		return { fromUserId: acting.userId, toUserId: target.userId, keptOwnership: input.keepOwnership };
	});
}

/**
 * Deletes the org with its memberships and roles. Its audit rows stay (they have no foreign key), so
 * the history, ending with `org.deleted`, remains verifiable.
 */
export async function deleteOrg(app: OrgDeps, acting: ActingUser, orgId: string): Promise<{ id: string }> {
	const now = app.clock.now();
	return app.db.transaction(async (tx) => {
		const org = await lockOrg(tx, orgId);
		requireOwner(await authorizeInOrg(tx, { orgId, userId: acting.userId }));
		await auditOrg(
			tx,
			orgId,
			acting,
			{ action: 'org.deleted', targetType: 'org', targetId: orgId, metadata: { name: org.name, slug: org.slug } },
			now
		);
		// Memberships first: they reference roles with ON DELETE RESTRICT.
		await tx.delete(memberships).where(eq(memberships.orgId, orgId));
		await tx.delete(roles).where(eq(roles.orgId, orgId));
		await tx.delete(organizations).where(eq(organizations.id, orgId));
		return { id: orgId };
	});
}
