/** Organization services on a real database: create, list, get, rename, transfer ownership, delete. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChains } from '../../../src/lib/server/audit/verify';
import { memberships, organizations, roles } from '../../../src/lib/server/db/schema';
import {
	createOrg,
	deleteOrg,
	getOrgForMember,
	listOrgsForUser,
	renameOrg,
	transferOwnership
} from '../../../src/lib/server/orgs/orgs';
import { BUILT_IN_ROLES, PERMISSIONS } from '../../../src/lib/server/orgs/permissions';
import { createRole } from '../../../src/lib/server/orgs/roles';
import { createOrgInput } from '../../../src/lib/server/orgs/schemas';
import { createTestApp, manualClock, type TestApp } from '../../helpers/app';
import { acting, auditRows, insertUser, joinOrg, orgWithOwner, uniqueSlug } from '../../helpers/orgs';

const clock = manualClock(new Date('2026-05-01T09:00:00Z'));
let app: TestApp;

beforeAll(async () => {
	app = await createTestApp({}, clock);
});
afterAll(() => app.close());

async function withMember(orgId: string, owner: Awaited<ReturnType<typeof insertUser>>, role: string) {
	const user = await insertUser(app, role.toLowerCase());
	await joinOrg(app, owner, orgId, user, role);
	return user;
}

describe('createOrg', () => {
	it('creates the org, seeds the built-in roles and makes the creator owner with Admin, audited', async () => {
		const owner = await insertUser(app, 'creator');
		const slug = uniqueSlug('acme');
		const org = await createOrg(app, acting(owner, '10.9.8.7'), { name: 'Acme', slug });
		expect(org).toMatchObject({ name: 'Acme', slug, role: 'Admin', isOwner: true, permissions: [...PERMISSIONS] });

		const seeded = await app.db.select().from(roles).where(eq(roles.orgId, org.id));
		expect(seeded.map((r) => [r.name, r.isBuiltIn, [...r.permissions].sort()]).sort()).toEqual(
			Object.entries(BUILT_IN_ROLES).map(([name, perms]) => [name, true, [...perms].sort()])
		);
		const [membership] = await app.db.select().from(memberships).where(eq(memberships.orgId, org.id));
		expect(membership).toMatchObject({ userId: owner.id, isOwner: true, roleId: org.roleId });

		const [row, ...rest] = await auditRows(app, org.id);
		expect(rest).toEqual([]);
		expect(row).toMatchObject({
			seq: 1,
			orgId: org.id,
			action: 'org.created',
			actorUserId: owner.id,
			actorEmail: owner.email,
			targetType: 'org',
			targetId: org.id,
			metadata: { name: 'Acme', slug },
			ipAddress: '10.9.8.7',
			userAgent: 'vitest'
		});
	});

	it('refuses a taken slug with 409 and writes nothing', async () => {
		const { org } = await orgWithOwner(app);
		const other = await insertUser(app);
		const err = await createOrg(app, acting(other), { name: 'Copy', slug: org.slug }).catch((e) => e);
		expect([err.code, err.message]).toEqual(['conflict', `The slug "${org.slug}" is already taken`]);
		expect(await listOrgsForUser(app, other.id)).toEqual([]);
		expect(await app.db.select().from(organizations).where(eq(organizations.name, 'Copy'))).toEqual([]);
	});

	it('rolls the whole creation back when a later step fails (no org, roles or audit row)', async () => {
		const slug = uniqueSlug('ghost');
		const ghost = { id: '00000000-0000-4000-8000-000000000000', email: 'ghost@example.test', name: 'ghost' };
		await expect(createOrg(app, acting(ghost), { name: 'Ghost', slug })).rejects.toThrow();
		expect(await app.db.select().from(organizations).where(eq(organizations.slug, slug))).toEqual([]);
	});

	it('accepts slugs of 3 to 63 lowercase letters, digits and dashes, and names the field otherwise', () => {
		expect(createOrgInput.parse({ name: ' Acme ', slug: 'a-1' })).toEqual({ name: 'Acme', slug: 'a-1' });
		expect(createOrgInput.safeParse({ name: 'A', slug: 'a'.repeat(63) }).success).toBe(true);
		const issue = (slug: unknown) => createOrgInput.safeParse({ name: 'A', slug }).error?.issues[0];
		expect(issue('ab')).toMatchObject({ path: ['slug'], message: 'Slug must be 3 to 63 characters' });
		expect(issue('a'.repeat(64))).toMatchObject({ path: ['slug'], message: 'Slug must be 3 to 63 characters' });
		for (const bad of ['Acme', 'ac_me', '-acme', 'acme-', 'ac me']) {
			expect(issue(bad)?.message).toBe(
				'Slug may contain only lowercase letters, digits and dashes, and must start and end with a letter or digit'
			);
		}
		expect(issue(undefined)).toMatchObject({ path: ['slug'], message: 'Slug is required' });
		expect(createOrgInput.safeParse({ slug: 'acme' }).error?.issues[0]).toMatchObject({ path: ['name'], message: 'Name is required' });
	});
});

describe('listing and reading', () => {
	it('counts the members only for those who may see them (view:members)', async () => {
		const { owner, org } = await orgWithOwner(app, 'Counted');
		await createRole(app, acting(owner), org.id, { name: 'Key reader', permissions: ['view:ssh_keys'] });
		const reader = await withMember(org.id, owner, 'Key reader');
		await withMember(org.id, owner, 'Viewer');
		expect((await listOrgsForUser(app, owner.id))[0]).toMatchObject({ id: org.id, memberCount: 3 });
		expect((await listOrgsForUser(app, reader.id))[0]).toMatchObject({ id: org.id, memberCount: null });
	});

	it("lists exactly the caller's orgs with their role and ownership", async () => {
		const { owner, org } = await orgWithOwner(app, 'Listed');
		const viewer = await withMember(org.id, owner, 'Viewer');
		const outsider = await insertUser(app);
		expect((await listOrgsForUser(app, owner.id)).map((o) => [o.id, o.role, o.isOwner])).toEqual([[org.id, 'Admin', true]]);
		expect(await listOrgsForUser(app, viewer.id)).toEqual([
			{
				id: org.id,
				name: 'Listed',
				slug: org.slug,
				createdAt: org.createdAt,
				roleId: expect.any(String),
				role: 'Viewer',
				isOwner: false,
				permissions: [...BUILT_IN_ROLES.Viewer],
				memberCount: 2,
				requireTwoFactor: false,
				mfaRequired: false
			}
		]);
		expect(await listOrgsForUser(app, outsider.id)).toEqual([]);
	});

	it('reads an org for a member, and answers not_found to an outsider and for an unknown org', async () => {
		const { owner, org } = await orgWithOwner(app);
		const dev = await withMember(org.id, owner, 'Developer');
		expect(await getOrgForMember(app, org.id, dev.id)).toMatchObject({ id: org.id, role: 'Developer', isOwner: false });
		const outsider = await insertUser(app);
		await expect(getOrgForMember(app, org.id, outsider.id)).rejects.toMatchObject({ code: 'not_found', message: 'Organization not found' });
		await expect(getOrgForMember(app, crypto.randomUUID(), owner.id)).rejects.toMatchObject({ code: 'not_found' });
	});
});

describe('renameOrg', () => {
	it('lets an owner rename (audited) and refuses a non-owner Admin', async () => {
		const { owner, org } = await orgWithOwner(app, 'Old name');
		const admin = await withMember(org.id, owner, 'Admin');
		await expect(renameOrg(app, acting(admin), org.id, { name: 'Hijacked' })).rejects.toMatchObject({
			code: 'forbidden',
			message: 'Only an owner of this organization may do that'
		});
		expect(await renameOrg(app, acting(owner), org.id, { name: 'New name' })).toMatchObject({ name: 'New name', slug: org.slug });
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({ action: 'org.renamed', metadata: { from: 'Old name', to: 'New name' } });
	});
});

describe('transferOwnership', () => {
	it('hands ownership to a member (caller steps down, keeps their role), audited', async () => {
		const { owner, org } = await orgWithOwner(app);
		const dev = await withMember(org.id, owner, 'Developer');
		expect(await transferOwnership(app, acting(owner), org.id, { userId: dev.id, keepOwnership: false })).toEqual({
			fromUserId: owner.id,
			toUserId: dev.id,
			keptOwnership: false
		});
		const orgsOfDev = await listOrgsForUser(app, dev.id);
		expect(orgsOfDev[0]).toMatchObject({ role: 'Developer', isOwner: true });
		expect((await listOrgsForUser(app, owner.id))[0]).toMatchObject({ role: 'Admin', isOwner: false });
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({
			action: 'ownership.transferred',
			actorUserId: owner.id,
			targetId: dev.id,
			metadata: { toEmail: dev.email, keptOwnership: false }
		});
		// The former owner is now an ordinary Admin: owner-only actions are closed to them.
		await expect(deleteOrg(app, acting(owner), org.id)).rejects.toMatchObject({ code: 'forbidden' });
	});

	it('adds a co-owner with keepOwnership, and refuses doing it twice', async () => {
		const { owner, org } = await orgWithOwner(app);
		const admin = await withMember(org.id, owner, 'Admin');
		await transferOwnership(app, acting(owner), org.id, { userId: admin.id, keepOwnership: true });
		expect((await listOrgsForUser(app, owner.id))[0]!.isOwner).toBe(true);
		expect((await listOrgsForUser(app, admin.id))[0]!.isOwner).toBe(true);
		await expect(transferOwnership(app, acting(owner), org.id, { userId: admin.id, keepOwnership: true })).rejects.toMatchObject({
			code: 'conflict',
			message: 'That member is already an owner'
		});
	});

	it('refuses a non-owner, a transfer to oneself and a transfer to a non-member', async () => {
		const { owner, org } = await orgWithOwner(app);
		const admin = await withMember(org.id, owner, 'Admin');
		const { owner: stranger } = await orgWithOwner(app, 'Elsewhere');
		await expect(transferOwnership(app, acting(admin), org.id, { userId: admin.id, keepOwnership: false })).rejects.toMatchObject({
			code: 'forbidden',
			message: 'Only an owner of this organization may do that'
		});
		await expect(transferOwnership(app, acting(owner), org.id, { userId: owner.id, keepOwnership: false })).rejects.toMatchObject({
			code: 'conflict',
			message: 'You already own this organization'
		});
		await expect(transferOwnership(app, acting(owner), org.id, { userId: stranger.id, keepOwnership: false })).rejects.toMatchObject({
			code: 'not_found',
			message: 'Member not found'
		});
		expect((await listOrgsForUser(app, owner.id))[0]!.isOwner).toBe(true);
	});
});

describe('deleteOrg', () => {
	it('lets only an owner delete; the audit rows stay and the chain still verifies', async () => {
		const { owner, org } = await orgWithOwner(app, 'Doomed');
		const admin = await withMember(org.id, owner, 'Admin');
		await expect(deleteOrg(app, acting(admin), org.id)).rejects.toMatchObject({
			code: 'forbidden',
			message: 'Only an owner of this organization may do that'
		});
		expect(await deleteOrg(app, acting(owner), org.id)).toEqual({ id: org.id });

		expect(await app.db.select().from(organizations).where(eq(organizations.id, org.id))).toEqual([]);
		expect(await app.db.select().from(roles).where(eq(roles.orgId, org.id))).toEqual([]);
		expect(await app.db.select().from(memberships).where(eq(memberships.orgId, org.id))).toEqual([]);
		expect(await listOrgsForUser(app, admin.id)).toEqual([]);

		const rows = await auditRows(app, org.id);
		expect(rows.map((r) => r.action)).toEqual(['org.created', 'member.invited', 'member.joined', 'org.deleted']);
		expect(rows.at(-1)).toMatchObject({ actorUserId: owner.id, metadata: { name: 'Doomed', slug: org.slug } });
		expect((await verifyAuditChains(app.db, { chains: [org.id] })).intact).toBe(true);

		await expect(deleteOrg(app, acting(owner), org.id)).rejects.toMatchObject({ code: 'not_found', message: 'Organization not found' });
	});
});
