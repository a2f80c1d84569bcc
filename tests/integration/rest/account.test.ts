/**
 * The REST contract for a user's own account, over real HTTP against the built server: what the
 * README's curl examples do, with a refusal beside each success.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../../helpers/app';
import { api, signUpAndLogin } from '../../helpers/http';
import { uniqueSlug } from '../../helpers/orgs';

const password = 'correct horse 42';
/** ADMIN_EMAILS of the test server (global-setup) makes this account a platform admin: it reads the outbox. */
const ADMIN_EMAIL = 'admin@integration.test';
const ADMIN_PASSWORD = 'integration admin 42';
let adminToken: string;

beforeAll(async () => {
	const signup = await api('POST', '/api/auth/signup', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, name: 'Admin' } });
	if (signup.status !== 201 && signup.status !== 409) throw new Error(`admin signup: ${signup.status}`);
	adminToken = (await api('POST', '/api/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).body.accessToken;
});

async function mailedTokenFor(to: string): Promise<string> {
	const outbox = await api('GET', '/api/admin/outbox', { token: adminToken });
	const mail = (outbox.body as { toAddress: string; body: string }[]).find((m) => m.toAddress === to);
	const token = mail && new URL(mail.body.match(/https?:\/\/\S+/)![0]).searchParams.get('token');
	if (!token) throw new Error(`no link mailed to ${to}`);
	return token;
}

describe('PATCH /api/user/me', () => {
	it('changes the name (200 with the account) and refuses an empty one (400 naming the field)', async () => {
		const user = await signUpAndLogin(uniqueEmail('rename'));
		const renamed = await api('PATCH', '/api/user/me', { token: user.accessToken, body: { name: 'Ada Renamed' } });
		expect(renamed).toMatchObject({ status: 200, body: { id: user.user.id, name: 'Ada Renamed', email: user.user.email } });
		expect((await api('GET', '/api/user/me', { token: user.accessToken })).body.name).toBe('Ada Renamed');
		const empty = await api('PATCH', '/api/user/me', { token: user.accessToken, body: { name: '' } });
		expect(empty).toMatchObject({ status: 400, body: { error: 'invalid_request', message: 'name: Name is required' } });
		expect((await api('PATCH', '/api/user/me', { body: { name: 'Nobody' } })).status).toBe(401);
	});
});

describe('POST /api/user/email, POST /api/user/email/confirm, DELETE /api/user/email', () => {
	it('changes the email by the mailed link: 202, then 200 once, then 400', async () => {
		const user = await signUpAndLogin(uniqueEmail('mover'));
		const newEmail = uniqueEmail('moved');
		const wrong = await api('POST', '/api/user/email', { token: user.accessToken, body: { email: newEmail, currentPassword: 'wrong one 1' } });
		expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_request', message: 'currentPassword: Current password is incorrect' } });

		const asked = await api('POST', '/api/user/email', { token: user.accessToken, body: { email: newEmail.toUpperCase(), currentPassword: password } });
		expect(asked).toMatchObject({ status: 202, body: { pending: { email: newEmail } } });
		expect(await api('GET', '/api/user/email', { token: user.accessToken })).toMatchObject({ status: 200, body: { pending: { email: newEmail } } });

		const token = await mailedTokenFor(newEmail);
		// No sign-in needed: the token is the proof.
		const confirmed = await api('POST', '/api/user/email/confirm', { body: { token } });
		expect(confirmed).toEqual(expect.objectContaining({ status: 200, body: { email: newEmail } }));
		expect((await api('GET', '/api/user/me', { token: user.accessToken })).body.email).toBe(newEmail);
		expect(await api('POST', '/api/user/email/confirm', { body: { token } })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'This confirmation link is invalid or has expired' }
		});
		expect((await api('POST', '/api/auth/login', { body: { email: newEmail, password } })).status).toBe(200);
	});

	it('refuses a taken address (409), and cancels a pending change (204) so its link stops working', async () => {
		const user = await signUpAndLogin(uniqueEmail('canceller'));
		const other = await signUpAndLogin(uniqueEmail('occupant'));
		const taken = await api('POST', '/api/user/email', { token: user.accessToken, body: { email: other.user.email, currentPassword: password } });
		expect(taken).toMatchObject({ status: 409, body: { error: 'conflict', message: 'email: An account with this email already exists' } });

		const newEmail = uniqueEmail('never');
		expect((await api('POST', '/api/user/email', { token: user.accessToken, body: { email: newEmail, currentPassword: password } })).status).toBe(202);
		const token = await mailedTokenFor(newEmail);
		const cancelled = await api('DELETE', '/api/user/email', { token: user.accessToken });
		expect([cancelled.status, cancelled.body]).toEqual([204, null]);
		expect((await api('GET', '/api/user/email', { token: user.accessToken })).body).toEqual({ pending: null });
		expect((await api('POST', '/api/user/email/confirm', { body: { token } })).status).toBe(400);
		expect((await api('GET', '/api/user/me', { token: user.accessToken })).body.email).toBe(user.user.email);
	});
});

describe('DELETE /api/user/me', () => {
	it('refuses the last owner of an org with 409 last_owner naming it, then deletes once the org is gone (204)', async () => {
		const user = await signUpAndLogin(uniqueEmail('leaving'));
		const org = await api('POST', '/api/orgs', { token: user.accessToken, body: { name: 'Acme Hosting', slug: uniqueSlug('acme') } });
		expect(org.status).toBe(201);

		const wrong = await api('DELETE', '/api/user/me', { token: user.accessToken, body: { currentPassword: 'wrong one 2' } });
		expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
		const refused = await api('DELETE', '/api/user/me', { token: user.accessToken, body: { currentPassword: password } });
		expect(refused).toMatchObject({
			status: 409,
			body: { error: 'last_owner', message: 'Transfer ownership of Acme Hosting or delete it first: you are its last owner.' }
		});

		// There is no REST route for deleting an org: the tRPC door does it.
		expect((await api('POST', '/api/trpc/orgs.delete', { token: user.accessToken, body: { json: { orgId: org.body.id } } })).status).toBe(200);
		const deleted = await api('DELETE', '/api/user/me', { token: user.accessToken, body: { currentPassword: password } });
		expect([deleted.status, deleted.body]).toEqual([204, null]);
		expect((await api('GET', '/api/user/me', { token: user.accessToken })).status).toBe(401);
		expect(await api('POST', '/api/auth/login', { body: { email: user.user.email, password } })).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } });
		// The address is free again.
		expect((await api('POST', '/api/auth/signup', { body: { email: user.user.email, password, name: 'Again' } })).status).toBe(201);
	});
});
