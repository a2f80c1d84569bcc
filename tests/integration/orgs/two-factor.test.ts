/**
 * The org side of 2FA on a real database through the tRPC caller: switching the requirement (who may,
 * the 409 without one's own 2FA, audit), the requirement as the access rule applies it (each kind of
 * org procedure refused with mfa_required, the doors left open: the org list and leaving; outsiders
 * still not_found; the cross-org instance list), and an owner's reset of a member's 2FA (both chains,
 * the member's security log, who may, which member).
 * 2FA is turned on by writing the totp_credentials row directly (tests/helpers/mfa.ts): the TOTP
 * enable flow is built separately, and "2FA on" is exactly a row with enabledAt set.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_CHAIN } from '../../../src/lib/server/audit/append';
import { listSecurityLog } from '../../../src/lib/server/audit/security-log';
import { securityLogInput } from '../../../src/lib/server/audit/schemas';
import { auditLogs, instances, organizations, recoveryCodes, servers, totpCredentials } from '../../../src/lib/server/db/schema';
import { twoFactorEnabledAt } from '../../../src/lib/server/mfa/status';
import { createTestApp, type TestApp } from '../../helpers/app';
import { startTwoFactorSetupInDb, turnOnTwoFactorInDb } from '../../helpers/mfa';
import { defaultEnvironmentId } from '../../helpers/projects';
import { auditRows, callerAs, insertUser, joinOrg, orgWithOwner, uniqueSlug, type TestUser } from '../../helpers/orgs';

let app: TestApp;
beforeAll(async () => {
	app = await createTestApp();
});
afterAll(() => app.close());

const mfaMessage = (org: string) => `${org} requires two-factor authentication. Turn it on in Settings > Security.`;

async function member(orgId: string, by: TestUser, role: string, prefix = 'm') {
	const user = await insertUser(app, prefix);
	await joinOrg(app, by, orgId, user, role);
	return user;
}

async function requireOf(orgId: string) {
	const [row] = await app.db.select({ on: organizations.requireTwoFactor }).from(organizations).where(eq(organizations.id, orgId));
	return row!.on;
}

/** An org requiring 2FA: an owner with 2FA, a Developer without, an instance on a server (rows only). */
async function guardedOrg(name: string) {
	const { owner, org } = await orgWithOwner(app, name);
	await turnOnTwoFactorInDb(app.db, owner.id);
	const dev = await member(org.id, owner, 'Developer', 'dev');
	const slug = uniqueSlug('inst');
	const [server] = await app.db.insert(servers).values({ orgId: org.id, name: slug, kind: 'socket', endpoint: app.config.dockerSocketPath }).returning({ id: servers.id });
	await app.db.insert(instances).values({ orgId: org.id, environmentId: await defaultEnvironmentId(app, org.id), slug, name: slug, serverId: server!.id, container: `${slug}-c`, status: 'stopped' });
	await callerAs(app, owner).orgs.twoFactor.setRequired({ orgId: org.id, requireTwoFactor: true });
	return { owner, org, dev, slug, serverId: server!.id };
}

describe('switching the requirement', () => {
	it('is refused with 409 while the acting owner has no 2FA, and nothing changes', async () => {
		const { owner, org } = await orgWithOwner(app, 'Lockout Ltd');
		await startTwoFactorSetupInDb(app.db, owner.id); // a pending setup is not 2FA
		const before = (await auditRows(app, org.id)).length;
		await expect(callerAs(app, owner).orgs.twoFactor.setRequired({ orgId: org.id, requireTwoFactor: true })).rejects.toMatchObject({
			code: 'CONFLICT',
			message: expect.stringMatching(/^Turn on two-factor authentication for your own account first/)
		});
		expect(await requireOf(org.id)).toBe(false);
		expect(await auditRows(app, org.id)).toHaveLength(before);
	});

	it('is turned on by an owner with 2FA, reporting who lacks it, and audited; turning it on again changes nothing', async () => {
		const { owner, org } = await orgWithOwner(app, 'Strict Inc');
		await turnOnTwoFactorInDb(app.db, owner.id);
		await member(org.id, owner, 'Developer');
		await member(org.id, owner, 'Viewer');
		const state = await callerAs(app, owner).orgs.twoFactor.setRequired({ orgId: org.id, requireTwoFactor: true });
		expect(state).toEqual({ requireTwoFactor: true, memberCount: 3, membersWithoutTwoFactor: 2 });
		expect(await requireOf(org.id)).toBe(true);
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({
			action: 'org.two_factor_requirement_changed',
			actorUserId: owner.id,
			targetType: 'org',
			targetId: org.id,
			metadata: { requireTwoFactor: true, membersWithoutTwoFactor: 2 }
		});
		const count = (await auditRows(app, org.id)).length;
		await callerAs(app, owner).orgs.twoFactor.setRequired({ orgId: org.id, requireTwoFactor: true });
		expect(await auditRows(app, org.id)).toHaveLength(count);
		expect(await callerAs(app, owner).orgs.twoFactor.get({ orgId: org.id })).toEqual({ ...state, callerHasTwoFactor: true });
	});

	it('may be switched by a non-owner holding manage:members (with 2FA), not by a member without it', async () => {
		const { owner, org } = await orgWithOwner(app, 'Delegated');
		const admin = await member(org.id, owner, 'Admin', 'admin');
		const dev = await member(org.id, owner, 'Developer', 'dev');
		await turnOnTwoFactorInDb(app.db, admin.id);
		await turnOnTwoFactorInDb(app.db, dev.id);
		await expect(callerAs(app, dev).orgs.twoFactor.setRequired({ orgId: org.id, requireTwoFactor: true })).rejects.toMatchObject({
			code: 'FORBIDDEN',
			message: 'Permission denied: manage:members'
		});
		expect(await requireOf(org.id)).toBe(false);
		await callerAs(app, admin).orgs.twoFactor.setRequired({ orgId: org.id, requireTwoFactor: true });
		expect(await requireOf(org.id)).toBe(true);
		// The owner has no 2FA: now held back like anyone, even from turning it off.
		await expect(callerAs(app, owner).orgs.twoFactor.setRequired({ orgId: org.id, requireTwoFactor: false })).rejects.toMatchObject({
			code: 'FORBIDDEN',
			message: mfaMessage('Delegated')
		});
		await callerAs(app, admin).orgs.twoFactor.setRequired({ orgId: org.id, requireTwoFactor: false });
		expect(await requireOf(org.id)).toBe(false);
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({ action: 'org.two_factor_requirement_changed', actorUserId: admin.id, metadata: { requireTwoFactor: false } });
		expect(await callerAs(app, owner).orgs.get({ orgId: org.id })).toMatchObject({ name: 'Delegated' });
	});
});

describe('the requirement in the access rule', () => {
	it('refuses a member without 2FA on each kind of org procedure with mfa_required naming the org', async () => {
		const { org, dev, slug, serverId } = await guardedOrg('Kinds Co');
		const refused = { code: 'FORBIDDEN', message: mfaMessage('Kinds Co'), cause: expect.objectContaining({ publicCode: 'mfa_required' }) };
		const caller = callerAs(app, dev);
		await expect(caller.orgs.get({ orgId: org.id })).rejects.toMatchObject(refused); // query
		await expect(caller.orgs.members.list({ orgId: org.id })).rejects.toMatchObject(refused);
		await expect(caller.orgs.invitations.create({ orgId: org.id, email: 'x@example.com', role: 'Viewer' })).rejects.toMatchObject(refused); // mutation (they lack the permission too: 2FA is asked first)
		await expect(caller.orgs.rename({ orgId: org.id, name: 'Mine' })).rejects.toMatchObject(refused); // owner-only
		await expect(caller.instances.list({ orgId: org.id })).rejects.toMatchObject(refused);
		await expect(caller.instances.get({ slug })).rejects.toMatchObject(refused); // addressed by a resource
		await expect(caller.instances.start({ slug })).rejects.toMatchObject(refused);
		await expect(caller.servers.delete({ serverId })).rejects.toMatchObject(refused);
		await expect(caller.audit.list({ orgId: org.id })).rejects.toMatchObject(refused);
		await expect(caller.sshKeys.orgMemberKeys({ orgId: org.id })).rejects.toMatchObject(refused);
		// The cross-org list leaves the org out instead of failing.
		expect(await caller.instances.listMine()).toEqual([]);
	});

	it('lets the owner and a member with 2FA in, and tells an outsider not_found', async () => {
		const { owner, org, dev, slug } = await guardedOrg('Open Doors');
		await expect(callerAs(app, owner).orgs.members.list({ orgId: org.id })).resolves.toHaveLength(2);
		await turnOnTwoFactorInDb(app.db, dev.id);
		await expect(callerAs(app, dev).orgs.get({ orgId: org.id })).resolves.toMatchObject({ name: 'Open Doors' });
		await expect(callerAs(app, dev).instances.get({ slug })).resolves.toMatchObject({ slug });
		expect((await callerAs(app, dev).instances.listMine()).map((i) => i.slug)).toEqual([slug]);
		const outsider = await insertUser(app, 'outsider');
		await expect(callerAs(app, outsider).orgs.get({ orgId: org.id })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Organization not found' });
		await expect(callerAs(app, outsider).instances.get({ slug })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Instance not found' });
	});

	it('keeps the org list (name, flagged) and leaving open to a member without 2FA', async () => {
		const { org, dev } = await guardedOrg('Exit Ltd');
		const listed = (await callerAs(app, dev).orgs.list()).find((o) => o.id === org.id);
		expect(listed).toMatchObject({ name: 'Exit Ltd', slug: org.slug, requireTwoFactor: true, mfaRequired: true, memberCount: null });
		await callerAs(app, dev).orgs.leave({ orgId: org.id });
		expect((await callerAs(app, dev).orgs.list()).map((o) => o.id)).not.toContain(org.id);
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({ action: 'member.left', actorUserId: dev.id });
	});

	it('marks the org list of a member with 2FA as not held back', async () => {
		const { owner, org } = await guardedOrg('Listed');
		expect((await callerAs(app, owner).orgs.list()).find((o) => o.id === org.id)).toMatchObject({ requireTwoFactor: true, mfaRequired: false, memberCount: 2 });
	});
});

describe('an owner resets a member\'s 2FA', () => {
	it('removes the credential and recovery codes, audited in the org chain and in the member\'s security log', async () => {
		const { owner, org } = await orgWithOwner(app, 'Reset Co');
		const locked = await member(org.id, owner, 'Developer', 'locked');
		await turnOnTwoFactorInDb(app.db, locked.id);
		expect((await callerAs(app, owner).orgs.members.list({ orgId: org.id })).find((m) => m.userId === locked.id)?.twoFactorEnabled).toBe(true);

		await callerAs(app, owner).orgs.members.resetTwoFactor({ orgId: org.id, userId: locked.id });

		expect(await twoFactorEnabledAt(app.db, locked.id)).toBeNull();
		expect(await app.db.select().from(totpCredentials).where(eq(totpCredentials.userId, locked.id))).toEqual([]);
		expect(await app.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, locked.id))).toEqual([]);
		expect((await callerAs(app, owner).orgs.members.list({ orgId: org.id })).find((m) => m.userId === locked.id)?.twoFactorEnabled).toBe(false);
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({
			action: 'member.two_factor_reset',
			actorUserId: owner.id,
			targetType: 'user',
			targetId: locked.id,
			metadata: { email: locked.email }
		});
		const [account] = await app.db
			.select()
			.from(auditLogs)
			.where(and(eq(auditLogs.chain, ACCOUNT_CHAIN), eq(auditLogs.action, 'user.two_factor_reset'), eq(auditLogs.targetId, locked.id)));
		expect(account).toMatchObject({ actorUserId: owner.id, targetType: 'user', metadata: { email: locked.email, orgId: org.id, orgName: 'Reset Co' }, ipAddress: null });
		const log = await listSecurityLog(app, locked.id, securityLogInput.parse({}));
		expect(log.items[0]).toMatchObject({ action: 'user.two_factor_reset', summary: `${owner.email} reset your two-factor authentication as an owner of "Reset Co"` });
	});

	it('is owner-only, only for members of that org, never on oneself, and refused when 2FA is off', async () => {
		const { owner, org } = await orgWithOwner(app, 'Guarded Reset');
		await turnOnTwoFactorInDb(app.db, owner.id);
		const admin = await member(org.id, owner, 'Admin', 'admin');
		const target = await member(org.id, owner, 'Developer', 'target');
		await turnOnTwoFactorInDb(app.db, target.id);
		const elsewhere = await orgWithOwner(app, 'Elsewhere');
		await turnOnTwoFactorInDb(app.db, elsewhere.owner.id);
		const before = (await auditRows(app, org.id)).length;

		await expect(callerAs(app, admin).orgs.members.resetTwoFactor({ orgId: org.id, userId: target.id })).rejects.toMatchObject({
			code: 'FORBIDDEN',
			message: 'Only an owner of this organization may do that'
		});
		await expect(callerAs(app, owner).orgs.members.resetTwoFactor({ orgId: org.id, userId: elsewhere.owner.id })).rejects.toMatchObject({
			code: 'NOT_FOUND',
			message: 'Member not found'
		});
		await expect(callerAs(app, elsewhere.owner).orgs.members.resetTwoFactor({ orgId: org.id, userId: target.id })).rejects.toMatchObject({
			code: 'NOT_FOUND',
			message: 'Organization not found'
		});
		await expect(callerAs(app, owner).orgs.members.resetTwoFactor({ orgId: org.id, userId: owner.id })).rejects.toMatchObject({
			code: 'CONFLICT',
			message: 'You cannot reset your own two-factor authentication here; turn it off in Settings > Security'
		});
		await expect(callerAs(app, owner).orgs.members.resetTwoFactor({ orgId: org.id, userId: admin.id })).rejects.toMatchObject({
			code: 'CONFLICT',
			message: `${admin.email} does not have two-factor authentication on`
		});
		for (const user of [target, elsewhere.owner, owner]) expect(await twoFactorEnabledAt(app.db, user.id)).not.toBeNull();
		expect(await auditRows(app, org.id)).toHaveLength(before);
	});
});
