/**
 * Issue 7, item 1, over real HTTP against the built server: adding a member is an invitation the
 * invitee answers; the inviter gets the same answer for any address; only the invitee can answer;
 * any member but the last owner leaves with DELETE .../members/{self}; the attacker's org log never
 * holds the victim's sign-ins; each user reads their own security log, without session ids.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueEmail } from '../../helpers/app';
import { api, signUpAndLogin } from '../../helpers/http';
import { uniqueSlug } from '../../helpers/orgs';
import { waitFor } from '../../helpers/ssh';

type Account = Awaited<ReturnType<typeof signUpAndLogin>>;
let attacker: Account;
let orgId: string;

beforeAll(async () => {
	attacker = await signUpAndLogin(uniqueEmail('attacker'));
	const org = await api('POST', '/api/orgs', { token: attacker.accessToken, body: { name: 'Trap', slug: uniqueSlug('trap') } });
	orgId = org.body.id;
});

const invite = (email: string, role = 'Developer', token = attacker.accessToken) =>
	api('POST', `/api/orgs/${orgId}/members`, { token, body: { email, role } });

describe('POST /api/orgs/{orgId}/members invites; the invitee answers', () => {
	it('leaves the victim outside, seeing nothing of the org, until they accept', async () => {
		const victim = await signUpAndLogin(uniqueEmail('victim'));
		const invited = await invite(victim.user.email);
		expect(invited).toMatchObject({ status: 201, body: { invitation: { email: victim.user.email, status: 'pending' } } });
		const id = invited.body.invitation.id;

		expect((await api('GET', '/api/orgs', { token: victim.accessToken })).body).toEqual({ orgs: [] });
		expect(await api('GET', `/api/orgs/${orgId}/members`, { token: victim.accessToken })).toMatchObject({ status: 404 });
		const members = await api('GET', `/api/orgs/${orgId}/members`, { token: attacker.accessToken });
		expect(members.body.members.map((m: { userId: string }) => m.userId)).not.toContain(victim.user.id);

		const mine = await api('GET', '/api/user/invitations', { token: victim.accessToken });
		expect(mine).toMatchObject({ status: 200, body: { invitations: [{ id, orgId, orgName: 'Trap', role: 'Developer' }] } });
		const pending = await api('GET', `/api/orgs/${orgId}/invitations`, { token: attacker.accessToken });
		expect(pending.body.invitations.map((i: { id: string }) => i.id)).toContain(id);

		const accepted = await api('POST', `/api/user/invitations/${id}/accept`, { token: victim.accessToken });
		expect(accepted).toMatchObject({ status: 200, body: { orgId, role: 'Developer' } });
		expect((await api('GET', '/api/orgs', { token: victim.accessToken })).body.orgs.map((o: { id: string }) => o.id)).toEqual([orgId]);
	});

	it('after a decline (204) the user is never a member, and the invitation cannot be accepted', async () => {
		const user = await signUpAndLogin(uniqueEmail('decliner'));
		const id = (await invite(user.user.email)).body.invitation.id;
		const declined = await api('POST', `/api/user/invitations/${id}/decline`, { token: user.accessToken });
		expect([declined.status, declined.body]).toEqual([204, null]);
		expect(await api('POST', `/api/user/invitations/${id}/accept`, { token: user.accessToken })).toMatchObject({
			status: 409,
			body: { error: 'conflict', message: 'This invitation was already declined' }
		});
		expect((await api('GET', '/api/orgs', { token: user.accessToken })).body).toEqual({ orgs: [] });
	});

	it("refuses someone else's invitation with 404, by accept and by decline", async () => {
		const [invitee, other] = await Promise.all([signUpAndLogin(uniqueEmail('invitee')), signUpAndLogin(uniqueEmail('other'))]);
		const id = (await invite(invitee.user.email)).body.invitation.id;
		const notFound = { status: 404, body: { error: 'not_found', message: 'Invitation not found' } };
		for (const token of [other.accessToken, attacker.accessToken]) {
			expect(await api('POST', `/api/user/invitations/${id}/accept`, { token })).toMatchObject(notFound);
			expect(await api('POST', `/api/user/invitations/${id}/decline`, { token })).toMatchObject(notFound);
		}
		expect((await api('GET', '/api/user/invitations', { token: other.accessToken })).body).toEqual({ invitations: [] });
		expect(await api('POST', `/api/user/invitations/${id}/accept`, { token: invitee.accessToken })).toMatchObject({ status: 200 });
	});

	it('answers a known and an unknown address alike (no enumeration)', async () => {
		const known = await signUpAndLogin(uniqueEmail('known'));
		const a = await invite(known.user.email, 'Nope');
		const b = await invite(uniqueEmail('unknown'), 'Nope');
		expect([a.status, a.body]).toEqual([b.status, b.body]);
		expect(a).toMatchObject({ status: 404, body: { message: 'Role not found: Nope' } });
		const x = await invite(known.user.email);
		const y = await invite(uniqueEmail('unknown'));
		expect([x.status, Object.keys(x.body.invitation)]).toEqual([y.status, Object.keys(y.body.invitation)]);
		expect(x.body.invitation.status).toBe(y.body.invitation.status);
	});

	it('revokes (204) and resends (200, new expiry) with manage:members only', async () => {
		const email = uniqueEmail('later');
		const id = (await invite(email)).body.invitation.id;
		const viewer = await signUpAndLogin(uniqueEmail('viewer'));
		const vid = (await invite(viewer.user.email, 'Viewer')).body.invitation.id;
		await api('POST', `/api/user/invitations/${vid}/accept`, { token: viewer.accessToken });
		expect(await api('DELETE', `/api/orgs/${orgId}/invitations/${id}`, { token: viewer.accessToken })).toMatchObject({
			status: 403,
			body: { message: 'Permission denied: manage:members' }
		});
		const resent = await api('POST', `/api/orgs/${orgId}/invitations/${id}/resend`, { token: attacker.accessToken });
		expect(resent).toMatchObject({ status: 200, body: { invitation: { id, status: 'pending' } } });
		const revoked = await api('DELETE', `/api/orgs/${orgId}/invitations/${id}`, { token: attacker.accessToken });
		expect([revoked.status, revoked.body]).toEqual([204, null]);
		const listed = await api('GET', `/api/orgs/${orgId}/invitations`, { token: viewer.accessToken });
		expect(listed.status).toBe(200);
		expect(listed.body.invitations.map((i: { id: string }) => i.id)).not.toContain(id);
	});
});

describe('DELETE /api/orgs/{orgId}/members/{self} leaves', () => {
	it('works for any member without manage:members; the last owner gets 409 naming the way out', async () => {
		const member = await signUpAndLogin(uniqueEmail('leaver'));
		const id = (await invite(member.user.email, 'Viewer')).body.invitation.id;
		await api('POST', `/api/user/invitations/${id}/accept`, { token: member.accessToken });
		const left = await api('DELETE', `/api/orgs/${orgId}/members/${member.user.id}`, { token: member.accessToken });
		expect([left.status, left.body]).toEqual([204, null]);
		expect((await api('GET', '/api/orgs', { token: member.accessToken })).body).toEqual({ orgs: [] });
		expect(await api('DELETE', `/api/orgs/${orgId}/members/${attacker.user.id}`, { token: attacker.accessToken })).toMatchObject({
			status: 409,
			body: {
				error: 'conflict',
				message: 'You are the last owner of this organization: transfer ownership to another member or delete the organization first'
			}
		});
		const log = await api('GET', `/api/orgs/${orgId}/audit-logs?action=member.left`, { token: attacker.accessToken });
		expect(log.body.items[0]).toMatchObject({ actorUserId: member.user.id, targetId: member.user.id });
	});
});

describe("the org log and the victim's sign-ins", () => {
	it('never holds them, not even after the victim accepted and signed in again', async () => {
		const email = uniqueEmail('signer');
		const victim = await signUpAndLogin(email);
		const id = (await invite(email)).body.invitation.id;
		await api('POST', `/api/user/invitations/${id}/accept`, { token: victim.accessToken });
		await api('POST', '/api/auth/login', { body: { email, password: 'correct horse 42' }, headers: { 'user-agent': 'VictimPhone/2.0' } });
		const log = await api('GET', `/api/orgs/${orgId}/audit-logs?actor=${victim.user.id}&limit=200`, { token: attacker.accessToken });
		expect(log.body.items.map((r: { action: string }) => r.action)).toEqual(['member.joined']);
		const everything = await api('GET', `/api/orgs/${orgId}/audit-logs?limit=200`, { token: attacker.accessToken });
		expect(everything.body.items.filter((r: { action: string }) => r.action.startsWith('auth.'))).toEqual([]);
	});
});

describe('GET /api/user/security-log', () => {
	it("shows the caller's own account events, newest first, paged, without session ids", async () => {
		const email = uniqueEmail('secure');
		const me = await signUpAndLogin(email);
		const other = await signUpAndLogin(uniqueEmail('someone-else'));
		await api('POST', '/api/auth/login', { body: { email, password: 'correct horse 42' }, headers: { 'user-agent': 'curl/8.5.0' } });
		const sessions = await api('GET', '/api/user/sessions', { token: me.accessToken });
		const ended = sessions.body.find((s: { current: boolean }) => !s.current);
		await api('DELETE', `/api/user/sessions/${ended.id}`, { token: me.accessToken });

		const log = await api('GET', '/api/user/security-log', { token: me.accessToken });
		expect(log.status).toBe(200);
		expect(log.body.items.map((r: { action: string }) => r.action)).toEqual(['session.revoked', 'auth.login', 'auth.login', 'user.signed_up']);
		expect(log.body.items[0]).toMatchObject({ summary: expect.stringMatching(/^You ended a session/), ipAddress: expect.any(String), device: expect.any(String) });
		expect(log.body.items[1]).toMatchObject({ summary: 'You signed in through the API', device: 'API client', userAgent: 'curl/8.5.0' });
		const text = JSON.stringify(log.body);
		for (const s of sessions.body as { id: string }[]) expect(text).not.toContain(s.id);
		expect(text).not.toContain(other.user.id);

		const page = await api('GET', '/api/user/security-log?limit=2', { token: me.accessToken });
		expect(page.body.items).toHaveLength(2);
		const next = await api('GET', `/api/user/security-log?limit=2&cursor=${page.body.nextCursor}`, { token: me.accessToken });
		expect(next.body.items.map((r: { action: string }) => r.action)).toEqual(['auth.login', 'user.signed_up']);
		expect(next.body.nextCursor).toBeNull();

		expect(await api('GET', '/api/user/security-log')).toMatchObject({ status: 401 });
		expect(await api('GET', '/api/user/security-log?limit=500', { token: me.accessToken })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'limit: limit must be at most 200' }
		});
	});
});

describe('the mailed link /invitations?token=...', () => {
	it('sends a signed-out visitor to sign in and back, and keeps the token out of the request log', async () => {
		const canary = 'invitation-canary-token-value-0123456789abcdef';
		const ip = '203.0.113.201';
		const res = await api('GET', `/invitations?token=${canary}`, { ip });
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent(`/invitations?token=${canary}`)}`);
		// The request line is written once the response is on its way; wait for it, then search.
		const log = await waitFor(async () => {
			const text = readFileSync(inject('serverLogFile'), 'utf8');
			return text.includes('"path":"/invitations"') ? text : null;
		}, 10_000);
		expect(log.includes(canary)).toBe(false);
	});
});
