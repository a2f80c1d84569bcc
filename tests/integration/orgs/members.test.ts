/** Member services: join by invitation, list, change role, remove; org scoping, owner rules, no escalation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeMemberRole, listMembers, removeMember } from '../../../src/lib/server/orgs/members';
import { transferOwnership } from '../../../src/lib/server/orgs/orgs';
import { createRole } from '../../../src/lib/server/orgs/roles';
import { inviteMember } from '../../../src/lib/server/orgs/invitations';
import { acceptInvitation } from '../../../src/lib/server/orgs/invitee';
import { inviteMemberInput } from '../../../src/lib/server/orgs/schemas';
import { createTestApp, type TestApp } from '../../helpers/app';
import { acting, auditRows, insertUser, joinOrg, orgWithOwner, type TestUser } from '../../helpers/orgs';

let app: TestApp;
beforeAll(async () => {
	app = await createTestApp();
});
afterAll(() => app.close());

async function member(orgId: string, by: TestUser, role: string) {
	const user = await insertUser(app, 'm');
	await joinOrg(app, by, orgId, user, role);
	return user;
}

describe('joining by invitation', () => {
	it('joins with a role given by name or by id once the invitee accepts, audited on both sides of the step', async () => {
		const { owner, org } = await orgWithOwner(app);
		const ada = await insertUser(app, 'ada');
		const invitation = await inviteMember(app, acting(owner, '10.0.0.5'), org.id, { email: ada.email, role: 'Developer' });
		expect(await listMembers(app, org.id)).toHaveLength(1);
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({
			action: 'member.invited',
			actorUserId: owner.id,
			targetType: 'invitation',
			targetId: invitation.id,
			metadata: { email: ada.email, roleId: invitation.roleId, role: 'Developer' },
			ipAddress: '10.0.0.5'
		});
		const joined = await acceptInvitation(app, acting(ada, '10.0.0.6'), { invitationId: invitation.id });
		expect(joined).toEqual({ orgId: org.id, roleId: invitation.roleId, role: 'Developer' });
		expect((await listMembers(app, org.id)).find((m) => m.userId === ada.id)).toEqual({
			userId: ada.id,
			email: ada.email,
			name: 'ada',
			roleId: invitation.roleId,
			role: 'Developer',
			isOwner: false,
			joinedAt: expect.any(Date),
			twoFactorEnabled: false
		});
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({
			action: 'member.joined',
			actorUserId: ada.id,
			targetType: 'user',
			targetId: ada.id,
			metadata: { email: ada.email, invitationId: invitation.id, roleId: invitation.roleId, role: 'Developer' },
			ipAddress: '10.0.0.6'
		});

		const bo = await insertUser(app, 'bo');
		const byId = await joinOrg(app, owner, org.id, bo, invitation.roleId);
		expect(byId).toMatchObject({ role: 'Developer', roleId: invitation.roleId });
	});

	it('refuses an unknown role, another org’s role id and inviting a member, writing nothing', async () => {
		const { owner, org } = await orgWithOwner(app);
		const { org: other } = await orgWithOwner(app, 'Other');
		const user = await insertUser(app);
		await expect(joinOrg(app, owner, org.id, user, 'Janitor')).rejects.toMatchObject({
			code: 'not_found',
			message: 'Role not found: Janitor'
		});
		await expect(joinOrg(app, owner, org.id, user, other.roleId)).rejects.toMatchObject({
			code: 'not_found',
			message: `Role not found: ${other.roleId}`
		});
		const rows = (await auditRows(app, org.id)).length;
		await joinOrg(app, owner, org.id, user, 'Viewer');
		await expect(joinOrg(app, owner, org.id, user, 'Admin')).rejects.toMatchObject({
			code: 'conflict',
			message: 'That user is already a member'
		});
		expect((await auditRows(app, org.id)).map((r) => r.action).slice(rows)).toEqual(['member.invited', 'member.joined']);
	});

	it('validates the body: email and role are required, email is normalised', () => {
		expect(inviteMemberInput.parse({ email: ' Ada@Example.TEST ', role: ' Viewer ' })).toEqual({ email: 'ada@example.test', role: 'Viewer' });
		expect(inviteMemberInput.safeParse({ email: 'nope', role: 'Viewer' }).error?.issues[0]).toMatchObject({
			path: ['email'],
			message: 'Invalid email address'
		});
		expect(inviteMemberInput.safeParse({ email: 'a@b.co' }).error?.issues[0]).toMatchObject({ path: ['role'], message: 'Role is required' });
	});

	it('re-checks the permission inside the service, whatever the front door did', async () => {
		const { owner, org } = await orgWithOwner(app);
		const viewer = await member(org.id, owner, 'Viewer');
		const user = await insertUser(app);
		await expect(joinOrg(app, viewer, org.id, user, 'Viewer')).rejects.toMatchObject({
			code: 'forbidden',
			message: 'Permission denied: manage:members'
		});
		const outsider = await insertUser(app);
		await expect(joinOrg(app, outsider, org.id, user, 'Viewer')).rejects.toMatchObject({
			code: 'not_found',
			message: 'Organization not found'
		});
	});
});

describe('listMembers', () => {
	it("lists only this org's members, by email", async () => {
		const { owner, org } = await orgWithOwner(app);
		const viewer = await member(org.id, owner, 'Viewer');
		const { org: other } = await orgWithOwner(app, 'Other');
		const list = await listMembers(app, org.id);
		expect(list.map((m) => [m.email, m.role, m.isOwner])).toEqual(
			[
				[owner.email, 'Admin', true],
				[viewer.email, 'Viewer', false]
			].sort((a, b) => String(a[0]).localeCompare(String(b[0])))
		);
		expect((await listMembers(app, other.id)).map((m) => m.userId)).not.toContain(viewer.id);
	});
});

describe('changeMemberRole', () => {
	it('changes the role (audited) and treats the same role as a no-op', async () => {
		const { owner, org } = await orgWithOwner(app);
		const user = await member(org.id, owner, 'Viewer');
		const changed = await changeMemberRole(app, acting(owner), org.id, { userId: user.id, role: 'Developer' });
		expect(changed).toMatchObject({ userId: user.id, role: 'Developer' });
		const last = (await auditRows(app, org.id)).at(-1)!;
		expect(last).toMatchObject({
			action: 'member.role_changed',
			targetId: user.id,
			metadata: { email: user.email, fromRole: 'Viewer', toRole: 'Developer', toRoleId: changed.roleId }
		});
		const count = (await auditRows(app, org.id)).length;
		await changeMemberRole(app, acting(owner), org.id, { userId: user.id, role: 'Developer' });
		expect((await auditRows(app, org.id)).length).toBe(count);
	});

	it('answers not_found for a user of another org and for another org’s role', async () => {
		const { owner, org } = await orgWithOwner(app);
		const user = await member(org.id, owner, 'Viewer');
		const { owner: otherOwner, org: other } = await orgWithOwner(app, 'Other');
		await expect(changeMemberRole(app, acting(owner), org.id, { userId: otherOwner.id, role: 'Viewer' })).rejects.toMatchObject({
			code: 'not_found',
			message: 'Member not found'
		});
		await expect(changeMemberRole(app, acting(owner), org.id, { userId: user.id, role: other.roleId })).rejects.toMatchObject({
			code: 'not_found'
		});
	});
});

describe('removeMember', () => {
	it('removes a member (audited); their earlier audit rows keep their identity', async () => {
		const { owner, org } = await orgWithOwner(app);
		const admin = await member(org.id, owner, 'Admin');
		const invited = await member(org.id, admin, 'Viewer');
		expect(await removeMember(app, acting(owner), org.id, { userId: admin.id })).toEqual({ userId: admin.id });
		expect((await listMembers(app, org.id)).map((m) => m.userId)).not.toContain(admin.id);
		const rows = await auditRows(app, org.id);
		expect(rows.find((r) => r.action === 'member.invited' && (r.metadata as { email: string }).email === invited.email)).toMatchObject({
			actorUserId: admin.id,
			actorEmail: admin.email
		});
		expect(rows.at(-1)).toMatchObject({
			action: 'member.removed',
			targetId: admin.id,
			metadata: { email: admin.email, role: 'Admin', wasOwner: false }
		});
		await expect(removeMember(app, acting(owner), org.id, { userId: admin.id })).rejects.toMatchObject({
			code: 'not_found',
			message: 'Member not found'
		});
	});

	it('never removes the last owner, but removes one of two owners', async () => {
		const { owner, org } = await orgWithOwner(app);
		await expect(removeMember(app, acting(owner), org.id, { userId: owner.id })).rejects.toMatchObject({
			code: 'conflict',
			message: 'The last owner cannot be removed; transfer ownership first'
		});
		const second = await member(org.id, owner, 'Admin');
		await transferOwnership(app, acting(owner), org.id, { userId: second.id, keepOwnership: true });
		await removeMember(app, acting(second), org.id, { userId: owner.id });
		expect((await listMembers(app, org.id)).map((m) => [m.userId, m.isOwner])).toEqual([[second.id, true]]);
	});
});

describe('no escalation by non-owners', () => {
	async function helperOrg() {
		const { owner, org } = await orgWithOwner(app);
		await createRole(app, acting(owner), org.id, { name: 'Helper', permissions: ['manage:members', 'view:members'] });
		const helper = await member(org.id, owner, 'Helper');
		return { owner, org, helper };
	}

	it('lets a member manager grant a role within their own permissions, not beyond', async () => {
		const { org, helper } = await helperOrg();
		const user = await insertUser(app);
		await expect(joinOrg(app, helper, org.id, user, 'Admin')).rejects.toMatchObject({
			code: 'forbidden',
			message:
				'You cannot grant permissions you do not hold: view:instances, manage:instances, view:ssh_keys, manage:ssh_keys, view:audit_logs, manage:roles, manage:servers'
		});
		await expect(changeMemberRole(app, acting(helper), org.id, { userId: helper.id, role: 'Admin' })).rejects.toMatchObject({
			code: 'forbidden'
		});
		expect(await joinOrg(app, helper, org.id, user, 'Helper')).toMatchObject({ role: 'Helper' });
	});

	it('stops a non-owner acting on an owner or on a more powerful member', async () => {
		const { owner, org, helper } = await helperOrg();
		const admin = await member(org.id, owner, 'Admin');
		const peer = await member(org.id, owner, 'Helper');
		await expect(removeMember(app, acting(admin), org.id, { userId: owner.id })).rejects.toMatchObject({
			code: 'forbidden',
			message: 'Only an owner may change or remove an owner'
		});
		await expect(changeMemberRole(app, acting(admin), org.id, { userId: owner.id, role: 'Viewer' })).rejects.toMatchObject({
			code: 'forbidden'
		});
		await expect(removeMember(app, acting(helper), org.id, { userId: admin.id })).rejects.toMatchObject({
			code: 'forbidden',
			message:
				'You cannot manage a member holding permissions you do not hold: view:instances, manage:instances, view:ssh_keys, manage:ssh_keys, view:audit_logs, manage:roles, manage:servers'
		});
		expect(await removeMember(app, acting(helper), org.id, { userId: peer.id })).toEqual({ userId: peer.id });
		expect(await removeMember(app, acting(admin), org.id, { userId: helper.id })).toEqual({ userId: helper.id });
	});
});
