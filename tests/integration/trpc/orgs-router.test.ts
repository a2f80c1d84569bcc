/** The orgs and audit routers through createCaller: the declared permissions, error mapping, a full flow. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../../src/lib/server/trpc/root';
import { createTestApp, type TestApp } from '../../helpers/app';
import { callerAs, insertUser, uniqueSlug, type TestUser } from '../../helpers/orgs';

let app: TestApp;
let owner: TestUser;
beforeAll(async () => {
	app = await createTestApp();
	owner = await insertUser(app, 'owner');
});
afterAll(() => app.close());

const errorOf = (p: Promise<unknown>) => p.then(() => null, (e: { code: string; message: string }) => ({ code: e.code, message: e.message }));

describe('declared permissions', () => {
	it('are exactly these for the orgs and audit procedures', () => {
		const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: unknown } }>;
		const declared = Object.fromEntries(
			Object.entries(procedures)
				.filter(([path]) => path.startsWith('orgs.') || path.startsWith('audit.'))
				.map(([path, p]) => [path, p._def.meta ?? null])
		);
		expect(declared).toEqual({
			'orgs.create': null,
			'orgs.list': null,
			'orgs.get': { permission: 'view:members' },
			'orgs.rename': { ownerOnly: true },
			'orgs.transferOwnership': { ownerOnly: true },
			'orgs.delete': { ownerOnly: true },
			'orgs.members.list': { permission: 'view:members' },
			'orgs.members.changeRole': { permission: 'manage:members' },
			'orgs.members.remove': { permission: 'manage:members' },
			'orgs.members.resetTwoFactor': { ownerOnly: true },
			'orgs.twoFactor.get': { permission: 'view:members' },
			'orgs.twoFactor.setRequired': { permission: 'manage:members' },
			'orgs.leave': null,
			'orgs.invitations.create': { permission: 'manage:members' },
			'orgs.invitations.list': { permission: 'view:members' },
			'orgs.invitations.revoke': { permission: 'manage:members' },
			'orgs.invitations.resend': { permission: 'manage:members' },
			'orgs.roles.list': { permission: 'view:members' },
			'orgs.roles.create': { permission: 'manage:roles' },
			'orgs.roles.update': { permission: 'manage:roles' },
			'orgs.roles.delete': { permission: 'manage:roles' },
			'audit.list': { permission: 'view:audit_logs' },
			'audit.verify': { permission: 'view:audit_logs' },
			'audit.chainStatus': { permission: 'view:audit_logs' }
		});
	});
});

describe('a full flow through tRPC', () => {
	it('creates an org, manages members and roles, reads and verifies the audit log', async () => {
		const caller = callerAs(app, owner, '10.20.30.40');
		const org = await caller.orgs.create({ name: 'Flow', slug: uniqueSlug('flow') });
		expect(await caller.orgs.get({ orgId: org.id })).toMatchObject({ id: org.id, role: 'Admin', isOwner: true });

		const dev = await insertUser(app, 'dev');
		const invitation = await caller.orgs.invitations.create({ orgId: org.id, email: dev.email, role: 'Developer' });
		const added = { userId: dev.id };
		await callerAs(app, dev).invitations.accept({ invitationId: invitation.id });
		const role = await caller.orgs.roles.create({ orgId: org.id, name: 'Auditor', permissions: ['view:audit_logs'] });
		await caller.orgs.members.changeRole({ orgId: org.id, userId: added.userId, role: role.id });
		expect((await caller.orgs.members.list({ orgId: org.id })).map((m) => m.role).sort()).toEqual(['Admin', 'Auditor']);

		const auditor = callerAs(app, dev);
		const page = await auditor.audit.list({ orgId: org.id, limit: 2 });
		expect(page.items.map((r) => r.action)).toEqual(['member.role_changed', 'role.created']);
		expect(page.items[0]).toMatchObject({ actorUserId: owner.id, ipAddress: '10.20.30.40' });
		expect(page.nextCursor).toBe('4');
		expect(await auditor.audit.verify({ orgId: org.id })).toMatchObject({ intact: true, rowCount: 5 });
		expect(await auditor.audit.chainStatus({ orgId: org.id })).toMatchObject({ intact: true, rowCount: 5, brokenAtSeq: null });
		// The Auditor role has no view:members: the gate says so, naming the permission.
		expect(await errorOf(auditor.orgs.members.list({ orgId: org.id }))).toEqual({
			code: 'FORBIDDEN',
			message: 'Permission denied: view:members'
		});
		expect((await auditor.orgs.list())[0]).toMatchObject({ id: org.id, role: 'Auditor', isOwner: false });

		await caller.orgs.members.remove({ orgId: org.id, userId: dev.id });
		expect(await errorOf(auditor.audit.list({ orgId: org.id }))).toEqual({ code: 'NOT_FOUND', message: 'Organization not found' });
		expect(await errorOf(auditor.audit.chainStatus({ orgId: org.id }))).toEqual({ code: 'NOT_FOUND', message: 'Organization not found' });
	});
});

describe('error mapping', () => {
	it('maps service errors to tRPC codes with the service message', async () => {
		const caller = callerAs(app, owner);
		const org = await caller.orgs.create({ name: 'Errors', slug: uniqueSlug('err') });
		expect(await errorOf(caller.orgs.create({ name: 'Again', slug: org.slug }))).toEqual({
			code: 'CONFLICT',
			message: `The slug "${org.slug}" is already taken`
		});
		expect(await errorOf(caller.orgs.invitations.create({ orgId: org.id, email: 'ghost@example.test', role: 'Janitor' }))).toEqual({
			code: 'NOT_FOUND',
			message: 'Role not found: Janitor'
		});
		expect(await errorOf(caller.orgs.leave({ orgId: org.id }))).toEqual({
			code: 'CONFLICT',
			message: 'You are the last owner of this organization: transfer ownership to another member or delete the organization first'
		});
		expect(await errorOf(caller.orgs.members.remove({ orgId: org.id, userId: owner.id }))).toEqual({
			code: 'CONFLICT',
			message: 'The last owner cannot be removed; transfer ownership first'
		});
		expect(await errorOf(caller.orgs.roles.update({ orgId: org.id, roleId: org.roleId, name: 'Boss' }))).toEqual({
			code: 'FORBIDDEN',
			message: 'Built-in roles are read-only'
		});
	});

	it('refuses bad input with BAD_REQUEST after the gate, and a bad org id before it', async () => {
		const caller = callerAs(app, owner);
		const org = await caller.orgs.create({ name: 'Input', slug: uniqueSlug('in') });
		const bad = await errorOf(caller.orgs.invitations.create({ orgId: org.id, email: 'nope', role: 'Viewer' }));
		expect(bad?.code).toBe('BAD_REQUEST');
		expect(await errorOf(caller.orgs.create({ name: 'X', slug: 'NO' }))).toMatchObject({ code: 'BAD_REQUEST' });
		expect(await errorOf(caller.orgs.get({ orgId: 'not-a-uuid' }))).toMatchObject({ code: 'BAD_REQUEST' });
		expect(await errorOf(callerAs(app, null).orgs.create({ name: 'X', slug: 'NO' }))).toEqual({
			code: 'UNAUTHORIZED',
			message: 'Sign in to continue'
		});
	});
});
