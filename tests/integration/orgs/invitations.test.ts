/**
 * Membership only by consent (issue 7, item 1): an invited user is not a member and their account is
 * invisible to the org until they accept; declining, expiry, revocation and resending each leave them
 * out; nobody but the invitee can answer; the inviter gets the same answer for any address; any member
 * but the last owner can leave; and the org's log never receives the invitee's sign-ins.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOrgAuditLogs } from '../../../src/lib/server/audit/query';
import { auditListInput } from '../../../src/lib/server/audit/schemas';
import { signup } from '../../../src/lib/server/auth/service';
import { loginApi } from '../../helpers/password-login';
import { mailOutbox } from '../../../src/lib/server/db/schema';
import { inviteMember, listOrgInvitations, resendInvitation, revokeInvitation } from '../../../src/lib/server/orgs/invitations';
import { acceptInvitation, declineInvitation, findMyInvitationByToken, listMyInvitations } from '../../../src/lib/server/orgs/invitee';
import { leaveOrg, listMembers } from '../../../src/lib/server/orgs/members';
import { listOrgsForUser, transferOwnership } from '../../../src/lib/server/orgs/orgs';
import { createTestApp, manualClock, uniqueEmail, type TestApp } from '../../helpers/app';
import { acting, auditRows, callerAs, insertUser, joinOrg, mailedLink, mailedToken, orgWithOwner } from '../../helpers/orgs';

const clock = manualClock(new Date('2026-06-01T12:00:00Z'));
let app: TestApp;
beforeAll(async () => {
	app = await createTestApp({}, clock);
});
afterAll(() => app.close());

const SEVEN_DAYS_SECONDS = 7 * 24 * 3600;

async function invite(orgId: string, by: { id: string; email: string; name: string }, email: string, role = 'Developer') {
	return inviteMember(app, acting(by), orgId, { email, role });
}

describe('an invited user', () => {
	it('is not a member, and the org sees nothing of them, until they accept', async () => {
		const { owner: attacker, org } = await orgWithOwner(app, 'Attacker');
		const victim = await insertUser(app, 'victim');
		const invitation = await invite(org.id, attacker, victim.email);
		expect(invitation).toMatchObject({ orgId: org.id, email: victim.email, role: 'Developer', status: 'pending' });

		expect((await listMembers(app, org.id)).map((m) => m.userId)).toEqual([attacker.id]);
		expect(await listOrgsForUser(app, victim.id)).toEqual([]);
		await expect(callerAs(app, victim).orgs.members.list({ orgId: org.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
		expect((await listMyInvitations(app, acting(victim))).map((i) => i.id)).toEqual([invitation.id]);

		await acceptInvitation(app, acting(victim), { invitationId: invitation.id });
		expect((await listOrgsForUser(app, victim.id)).map((o) => o.id)).toEqual([org.id]);
		expect(await listMyInvitations(app, acting(victim))).toEqual([]);
	});

	it('who declines never becomes a member, and leaves no address or browser in the org log', async () => {
		const { owner, org } = await orgWithOwner(app);
		const user = await insertUser(app);
		const invitation = await invite(org.id, owner, user.email);
		await declineInvitation(app, acting(user, '203.0.113.9'), { invitationId: invitation.id });
		await expect(acceptInvitation(app, acting(user), { invitationId: invitation.id })).rejects.toMatchObject({
			code: 'conflict',
			message: 'This invitation was already declined'
		});
		expect((await listMembers(app, org.id)).map((m) => m.userId)).toEqual([owner.id]);
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({
			action: 'invitation.declined',
			targetId: invitation.id,
			ipAddress: null,
			userAgent: null
		});
		expect(await listOrgInvitations(app, org.id)).toEqual([]);
	});

	it('cannot be answered by anyone else: not found, and still pending for the invitee', async () => {
		const { owner, org } = await orgWithOwner(app);
		const [invitee, other] = [await insertUser(app), await insertUser(app)];
		const invitation = await invite(org.id, owner, invitee.email);
		const token = await mailedToken(app, invitee.email);
		for (const stranger of [other, owner]) {
			const notFound = { code: 'not_found', message: 'Invitation not found' };
			await expect(acceptInvitation(app, acting(stranger), { invitationId: invitation.id })).rejects.toMatchObject(notFound);
			await expect(declineInvitation(app, acting(stranger), { invitationId: invitation.id })).rejects.toMatchObject(notFound);
			await expect(findMyInvitationByToken(app, acting(stranger), token)).rejects.toMatchObject(notFound);
		}
		expect((await listMembers(app, org.id)).map((m) => m.userId)).toEqual([owner.id]);
		expect(await findMyInvitationByToken(app, acting(invitee), token)).toMatchObject({ id: invitation.id, status: 'pending' });
	});
});

describe('the inviter', () => {
	it('gets the same answer, the same audit row and a mail whether or not the address has an account', async () => {
		const { owner, org } = await orgWithOwner(app);
		const known = await insertUser(app, 'known');
		const unknownEmail = uniqueEmail('unknown');
		const a = await invite(org.id, owner, known.email);
		const b = await invite(org.id, owner, unknownEmail);
		const shape = (i: typeof a) => ({ ...i, id: 'x', email: 'x' });
		expect(shape(a)).toEqual(shape(b));
		const [rowA, rowB] = (await auditRows(app, org.id)).slice(-2);
		expect(Object.keys(rowA!.metadata as object)).toEqual(Object.keys(rowB!.metadata as object));
		expect([rowA!.action, rowB!.action]).toEqual(['member.invited', 'member.invited']);

		// Only the mail differs, and only its reader sees it: sign in, or sign up with the address filled in.
		const signinLink = await mailedLink(app, known.email);
		expect(signinLink.pathname).toBe('/invitations');
		expect(signinLink.searchParams.get('token')).toMatch(/^[\w-]{43}$/);
		const signupLink = await mailedLink(app, unknownEmail);
		expect(signupLink.pathname).toBe('/signup');
		expect(signupLink.searchParams.get('email')).toBe(unknownEmail);
		expect(signupLink.searchParams.get('redirectTo')).toMatch(/^\/invitations\?token=[\w-]{43}$/);
	});

	it('refuses a second invitation while one is pending, and a member', async () => {
		const { owner, org } = await orgWithOwner(app);
		const user = await insertUser(app);
		await invite(org.id, owner, user.email);
		await expect(invite(org.id, owner, user.email, 'Viewer')).rejects.toMatchObject({
			code: 'conflict',
			message: 'That address already has a pending invitation; resend it instead'
		});
		const member = await insertUser(app);
		await joinOrg(app, owner, org.id, member, 'Viewer');
		await expect(invite(org.id, owner, member.email)).rejects.toMatchObject({ code: 'conflict', message: 'That user is already a member' });
	});

	it('may not offer a role carrying permissions they lack', async () => {
		const { owner, org } = await orgWithOwner(app);
		const manager = await insertUser(app);
		await callerAs(app, owner).orgs.roles.create({ orgId: org.id, name: 'Helper', permissions: ['manage:members', 'view:members'] });
		await joinOrg(app, owner, org.id, manager, 'Helper');
		await expect(invite(org.id, manager, uniqueEmail('x'), 'Admin')).rejects.toMatchObject({ code: 'forbidden' });
	});
});

describe('expiry, revocation, resending', () => {
	it('expires after 7 days: no longer listed for the invitee, not acceptable, and can be issued again', async () => {
		const { owner, org } = await orgWithOwner(app);
		const user = await insertUser(app);
		const invitation = await invite(org.id, owner, user.email);
		expect(invitation.expiresAt.getTime() - clock.now().getTime()).toBe(SEVEN_DAYS_SECONDS * 1000);
		clock.advanceSeconds(SEVEN_DAYS_SECONDS);
		expect(await listMyInvitations(app, acting(user))).toEqual([]);
		await expect(acceptInvitation(app, acting(user), { invitationId: invitation.id })).rejects.toMatchObject({
			code: 'conflict',
			message: 'This invitation has expired; ask for a new one'
		});
		expect(await listOrgInvitations(app, org.id)).toMatchObject([{ id: invitation.id, status: 'expired' }]);
		expect((await listMembers(app, org.id)).map((m) => m.userId)).toEqual([owner.id]);

		const again = await invite(org.id, owner, user.email, 'Viewer');
		expect(again).toMatchObject({ id: invitation.id, status: 'pending', role: 'Viewer' });
		expect(await acceptInvitation(app, acting(user), { invitationId: again.id })).toMatchObject({ role: 'Viewer' });
	});

	it('a revoked invitation cannot be accepted, and its link shows it was revoked', async () => {
		const { owner, org } = await orgWithOwner(app);
		const user = await insertUser(app);
		const invitation = await invite(org.id, owner, user.email);
		const token = await mailedToken(app, user.email);
		await revokeInvitation(app, acting(owner), org.id, { invitationId: invitation.id });
		await expect(acceptInvitation(app, acting(user), { invitationId: invitation.id })).rejects.toMatchObject({
			code: 'conflict',
			message: 'This invitation was already revoked'
		});
		expect(await findMyInvitationByToken(app, acting(user), token)).toMatchObject({ status: 'revoked' });
		expect(await listMyInvitations(app, acting(user))).toEqual([]);
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({ action: 'invitation.revoked', actorUserId: owner.id, targetId: invitation.id });
		await expect(revokeInvitation(app, acting(owner), org.id, { invitationId: invitation.id })).rejects.toMatchObject({ code: 'conflict' });
	});

	it('resending mails a new link with a new 7-day expiry; the old link stops working', async () => {
		const { owner, org } = await orgWithOwner(app);
		const user = await insertUser(app);
		const invitation = await invite(org.id, owner, user.email);
		const oldToken = await mailedToken(app, user.email);
		clock.advanceSeconds(3 * 24 * 3600);
		const resent = await resendInvitation(app, acting(owner), org.id, { invitationId: invitation.id });
		expect(resent.expiresAt.getTime()).toBe(clock.now().getTime() + SEVEN_DAYS_SECONDS * 1000);
		const newToken = await mailedToken(app, user.email);
		expect(newToken).not.toBe(oldToken);
		await expect(findMyInvitationByToken(app, acting(user), oldToken)).rejects.toMatchObject({ code: 'not_found' });
		expect(await findMyInvitationByToken(app, acting(user), newToken)).toMatchObject({ id: invitation.id, status: 'pending' });
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({ action: 'invitation.resent', targetId: invitation.id });
		const mails = await app.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, user.email));
		expect(mails).toHaveLength(2);
		expect(mails.map((m) => m.body).join('\n')).not.toContain(invitation.id);
	});
});

describe('roles offered by invitations', () => {
	it('cannot be deleted while an invitation offers them; after revoking, they can', async () => {
		const { owner, org } = await orgWithOwner(app);
		const caller = callerAs(app, owner);
		const role = await caller.orgs.roles.create({ orgId: org.id, name: 'Contractor', permissions: ['view:instances'] });
		const invitation = await invite(org.id, owner, uniqueEmail('contractor'), 'Contractor');
		await expect(caller.orgs.roles.delete({ orgId: org.id, roleId: role.id })).rejects.toMatchObject({
			code: 'CONFLICT',
			message: 'Role "Contractor" is offered by 1 pending invitation(s); revoke them first'
		});
		await revokeInvitation(app, acting(owner), org.id, { invitationId: invitation.id });
		expect(await caller.orgs.roles.delete({ orgId: org.id, roleId: role.id })).toEqual({ id: role.id });
	});
});

describe('leaving', () => {
	it('lets any member leave without any permission, audited', async () => {
		const { owner, org } = await orgWithOwner(app);
		// manage:ssh_keys guards nothing yet: the closest a role comes to holding no permission.
		await callerAs(app, owner).orgs.roles.create({ orgId: org.id, name: 'Nothing', permissions: ['manage:ssh_keys'] });
		const user = await insertUser(app);
		await joinOrg(app, owner, org.id, user, 'Nothing');
		expect(await leaveOrg(app, acting(user), org.id)).toEqual({ orgId: org.id });
		expect(await listOrgsForUser(app, user.id)).toEqual([]);
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({
			action: 'member.left',
			actorUserId: user.id,
			targetId: user.id,
			metadata: { role: 'Nothing', wasOwner: false }
		});
		await expect(leaveOrg(app, acting(user), org.id)).rejects.toMatchObject({ code: 'not_found', message: 'Organization not found' });
	});

	it('refuses the last owner, naming the way out; a co-owner may leave', async () => {
		const { owner, org } = await orgWithOwner(app);
		await expect(leaveOrg(app, acting(owner), org.id)).rejects.toMatchObject({
			code: 'conflict',
			message: 'You are the last owner of this organization: transfer ownership to another member or delete the organization first'
		});
		const coOwner = await insertUser(app);
		await joinOrg(app, owner, org.id, coOwner, 'Admin');
		await transferOwnership(app, acting(owner), org.id, { userId: coOwner.id, keepOwnership: true });
		await leaveOrg(app, acting(owner), org.id);
		expect((await listMembers(app, org.id)).map((m) => [m.userId, m.isOwner])).toEqual([[coOwner.id, true]]);
	});
});

describe("the org's log and the invitee's sign-ins", () => {
	it('never holds them, before or after the invitee accepts', async () => {
		const { owner: attacker, org } = await orgWithOwner(app, 'Nosy');
		const email = uniqueEmail('victim');
		const password = 'correct horse 42';
		const meta = { ipAddress: '198.51.100.7', userAgent: 'VictimBrowser/1.0' };
		await signup(app, { email, password, name: 'Victim' }, meta);
		await invite(org.id, attacker, email);
		await loginApi(app, { email, password }, meta);
		const tokens = await loginApi(app, { email, password }, meta);
		const victim = { userId: tokens.user.id, email, request: meta };
		const [invitation] = await listMyInvitations(app, victim);
		await acceptInvitation(app, victim, { invitationId: invitation!.id });
		await loginApi(app, { email, password }, meta);

		const log = await listOrgAuditLogs(app, org.id, auditListInput.parse({ limit: 200 }));
		expect(log.items.map((r) => r.action)).toEqual(['member.joined', 'member.invited', 'org.created']);
		expect(log.items.filter((r) => r.userAgent === 'VictimBrowser/1.0').map((r) => r.action)).toEqual(['member.joined']);
	});
});
