/**
 * The org side of 2FA over real HTTP against the built server: the settings endpoint (who may switch
 * the requirement, the 409 without one's own 2FA, 400 for a bad body), the requirement's 403
 * `mfa_required` on the org's routes with the doors left open (the org list, leaving), the members
 * list's `twoFactorEnabled`, the owner's `DELETE /api/orgs/{id}/members/{userId}/2fa`, and the
 * sessions list's `authMethod`.
 * 2FA is turned on by writing the totp_credentials row into the server's database
 * (tests/helpers/seedable-server.ts, tests/helpers/mfa.ts): this build has no route that confirms a
 * TOTP setup, and "2FA on" is exactly a row with enabledAt set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail, uniqueIp } from '../../helpers/app';
import { turnOnTwoFactorInDb } from '../../helpers/mfa';
import { uniqueSlug } from '../../helpers/orgs';
import { startSeedableServer, type SeedableServer } from '../../helpers/seedable-server';

let srv: SeedableServer;

async function call(method: string, pathname: string, token?: string, body?: unknown): Promise<{ status: number; body: any }> {
	const headers: Record<string, string> = { 'x-forwarded-for': uniqueIp() };
	if (token) headers.authorization = `Bearer ${token}`;
	if (body !== undefined) headers['content-type'] = 'application/json';
	const res = await fetch(srv.server.baseUrl + pathname, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : null };
}

type Person = { token: string; id: string; email: string };
async function person(prefix: string): Promise<Person> {
	const email = uniqueEmail(prefix);
	const password = 'correct horse 42';
	const signup = await call('POST', '/api/auth/signup', undefined, { email, password, name: prefix });
	if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${JSON.stringify(signup.body)}`);
	const login = await call('POST', '/api/auth/login', undefined, { email, password });
	if (login.status !== 200) throw new Error(`login: ${login.status}`);
	return { token: login.body.accessToken, id: login.body.user.id, email };
}

async function join(orgId: string, owner: Person, member: Person, role: string) {
	const invited = await call('POST', `/api/orgs/${orgId}/members`, owner.token, { email: member.email, role });
	const accepted = await call('POST', `/api/user/invitations/${invited.body.invitation.id}/accept`, member.token);
	if (accepted.status !== 200) throw new Error(`accept: ${accepted.status}`);
}

const ORG = 'Rest MFA Co';
const MFA_REQUIRED = { status: 403, body: { error: 'mfa_required', message: `${ORG} requires two-factor authentication. Turn it on in Settings > Security.` } };
let owner: Person, admin: Person, dev: Person, secured: Person, outsider: Person, elsewhere: Person;
let orgId: string;

beforeAll(async () => {
	srv = await startSeedableServer();
	[owner, admin, dev, secured, outsider, elsewhere] = [
		await person('owner'),
		await person('admin'),
		await person('dev'),
		await person('secured'),
		await person('outsider'),
		await person('elsewhere')
	];
	orgId = (await call('POST', '/api/orgs', owner.token, { name: ORG, slug: uniqueSlug('rest-mfa') })).body.id;
	await join(orgId, owner, admin, 'Admin');
	await join(orgId, owner, dev, 'Developer');
	await join(orgId, owner, secured, 'Developer');
	await call('POST', '/api/orgs', elsewhere.token, { name: 'Elsewhere', slug: uniqueSlug('else') });
	await srv.seed(async (db) => {
		for (const p of [owner, secured, elsewhere]) await turnOnTwoFactorInDb(db, p.id);
	});
}, 240_000);
afterAll(() => srv?.stop());

describe('PATCH /api/orgs/{id}/settings', () => {
	it('refuses to turn the requirement on for a caller without 2FA (409), a bad body (400) and a member without manage:members (403)', async () => {
		expect(await call('PATCH', `/api/orgs/${orgId}/settings`, admin.token, { requireTwoFactor: true })).toEqual({
			status: 409,
			body: {
				error: 'own_two_factor_required',
				message: 'Turn on two-factor authentication for your own account first (Settings > Security): requiring it without would lock you out of this organization'
			}
		});
		expect(await call('PATCH', `/api/orgs/${orgId}/settings`, owner.token, { requireTwoFactor: 'yes' })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: expect.stringContaining('requireTwoFactor') }
		});
		expect(await call('PATCH', `/api/orgs/${orgId}/settings`, secured.token, { requireTwoFactor: true })).toEqual({
			status: 403,
			body: { error: 'forbidden', message: 'Permission denied: manage:members' }
		});
		expect(await call('PATCH', `/api/orgs/${orgId}/settings`, outsider.token, { requireTwoFactor: true })).toEqual({
			status: 404,
			body: { error: 'not_found', message: 'Organization not found' }
		});
		expect((await call('GET', `/api/orgs/${orgId}/settings`, owner.token)).body).toEqual({
			requireTwoFactor: false,
			memberCount: 4,
			membersWithoutTwoFactor: 2,
			callerHasTwoFactor: true
		});
	});

	it('turns it on for an owner with 2FA; members without it then get 403 mfa_required on the org, not on their org list or leaving', async () => {
		expect(await call('PATCH', `/api/orgs/${orgId}/settings`, owner.token, { requireTwoFactor: true })).toEqual({
			status: 200,
			body: { requireTwoFactor: true, memberCount: 4, membersWithoutTwoFactor: 2 }
		});
		expect(await call('GET', `/api/orgs/${orgId}/members`, dev.token)).toEqual(MFA_REQUIRED);
		expect(await call('GET', `/api/orgs/${orgId}/audit-logs`, admin.token)).toEqual(MFA_REQUIRED);
		expect(await call('GET', `/api/orgs/${orgId}/settings`, admin.token)).toEqual(MFA_REQUIRED);
		expect(await call('PATCH', `/api/orgs/${orgId}/settings`, admin.token, { requireTwoFactor: false })).toEqual(MFA_REQUIRED);
		expect(await call('GET', `/api/orgs/${orgId}/members`, outsider.token)).toEqual({ status: 404, body: { error: 'not_found', message: 'Organization not found' } });
		const listed = await call('GET', '/api/orgs', dev.token);
		expect(listed.body.orgs).toEqual([expect.objectContaining({ id: orgId, name: ORG, requireTwoFactor: true, mfaRequired: true, memberCount: null })]);

		const members = await call('GET', `/api/orgs/${orgId}/members`, secured.token);
		expect(members.status).toBe(200);
		const flags = Object.fromEntries(members.body.members.map((m: { userId: string; twoFactorEnabled: boolean }) => [m.userId, m.twoFactorEnabled]));
		expect(flags).toEqual({ [owner.id]: true, [admin.id]: false, [dev.id]: false, [secured.id]: true });

		expect((await call('DELETE', `/api/orgs/${orgId}/members/${dev.id}`, dev.token)).status).toBe(204);
		expect((await call('GET', '/api/orgs', dev.token)).body.orgs).toEqual([]);
	});
});

describe('DELETE /api/orgs/{id}/members/{userId}/2fa', () => {
	it('lets only an owner reset a member of the org (204), then the member counts as without 2FA', async () => {
		const path = `/api/orgs/${orgId}/members/${secured.id}/2fa`;
		expect(await call('DELETE', path, outsider.token)).toEqual({ status: 404, body: { error: 'not_found', message: 'Organization not found' } });
		expect(await call('DELETE', `/api/orgs/${orgId}/members/${elsewhere.id}/2fa`, owner.token)).toEqual({
			status: 404,
			body: { error: 'not_found', message: 'Member not found' }
		});
		expect(await call('DELETE', `/api/orgs/${orgId}/members/${owner.id}/2fa`, owner.token)).toMatchObject({ status: 409, body: { error: 'conflict' } });
		expect(await call('DELETE', path, owner.token)).toEqual({ status: 204, body: null });
		expect(await call('DELETE', path, owner.token)).toEqual({
			status: 409,
			body: { error: 'conflict', message: `${secured.email} does not have two-factor authentication on` }
		});
		// Held back now, like anyone without 2FA.
		expect(await call('GET', `/api/orgs/${orgId}/members`, secured.token)).toEqual(MFA_REQUIRED);
		const log = await call('GET', `/api/orgs/${orgId}/audit-logs`, owner.token);
		expect(log.body.items[0]).toMatchObject({ action: 'member.two_factor_reset', targetId: secured.id });
	});
});

describe('GET /api/user/sessions', () => {
	it('says how each session signed in', async () => {
		const sessions = await call('GET', '/api/user/sessions', owner.token);
		expect(sessions.status).toBe(200);
		expect(sessions.body.map((s: { authMethod: string }) => s.authMethod)).toEqual(['password']);
	});
});
