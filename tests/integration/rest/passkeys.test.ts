/**
 * The REST contract for passkeys, over real HTTP against the built server, with real WebAuthn
 * responses from the software authenticator: register, list, rename, sign in with no password,
 * delete (then that passkey is refused), and the 4xx answers beside each success, nothing changed.
 * The 10-minute re-authentication window is covered at the service level
 * (tests/integration/passkeys), since it cannot be waited out over HTTP.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../../helpers/app';
import { api, baseUrl, signUpAndLogin } from '../../helpers/http';
import { SoftAuthenticator } from '../../helpers/soft-authenticator';

type Account = Awaited<ReturnType<typeof signUpAndLogin>>;
let alice: Account;
let bob: Account;
beforeAll(async () => {
	[alice, bob] = await Promise.all([signUpAndLogin(uniqueEmail('alice')), signUpAndLogin(uniqueEmail('bob'))]);
});

async function registerOptions(token: string) {
	const res = await api('POST', '/api/user/passkeys/register/options', { token });
	expect(res.status).toBe(200);
	return res.body;
}

describe('passkeys over REST', () => {
	it('register, list, rename, sign in without a password, delete; then that passkey is refused', async () => {
		const authenticator = new SoftAuthenticator({ origin: baseUrl(), backedUp: true });
		const options = await registerOptions(alice.accessToken);
		expect(options.rp.id).toBe(new URL(baseUrl()).hostname);
		const response = authenticator.register(options);

		const noName = await api('POST', '/api/user/passkeys/register', { token: alice.accessToken, body: { response } });
		expect(noName).toMatchObject({ status: 400, body: { error: 'invalid_request', message: 'name: Name is required' } });
		// Input is checked before the challenge is redeemed: the same response with a name still counts.
		const created = await api('POST', '/api/user/passkeys/register', { token: alice.accessToken, body: { response, name: 'Phone' } });
		expect(created.status).toBe(201);
		expect(Object.keys(created.body).sort()).toEqual(['createdAt', 'deviceType', 'id', 'lastUsedAt', 'name', 'synced', 'transports']);
		expect(created.body).toMatchObject({ name: 'Phone', synced: true, lastUsedAt: null });
		const id = created.body.id as string;

		const listed = await api('GET', '/api/user/passkeys', { token: alice.accessToken });
		expect(listed.status).toBe(200);
		expect(listed.body).toEqual([created.body]);
		expect((await api('GET', '/api/user/passkeys', { token: bob.accessToken })).body).toEqual([]);

		const renamed = await api('PATCH', `/api/user/passkeys/${id}`, { token: alice.accessToken, body: { name: 'Pixel 9' } });
		expect(renamed).toMatchObject({ status: 200, body: { id, name: 'Pixel 9' } });

		const signInOptions = await api('POST', '/api/auth/passkey/options');
		expect(signInOptions.status).toBe(200);
		expect(signInOptions.body.allowCredentials).toEqual([]);
		const signedIn = await api('POST', '/api/auth/passkey/verify', { body: { response: authenticator.authenticate(signInOptions.body) } });
		expect(signedIn.status).toBe(200);
		expect(Object.keys(signedIn.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'user']);
		expect(signedIn.body.user.email).toBe(alice.user.email);
		const me = await api('GET', '/api/user/me', { token: signedIn.body.accessToken });
		expect(me.status).toBe(200);
		expect((await api('GET', '/api/user/passkeys', { token: alice.accessToken })).body[0].lastUsedAt).not.toBeNull();

		expect((await api('DELETE', `/api/user/passkeys/${id}`, { token: alice.accessToken })).status).toBe(204);
		expect((await api('GET', '/api/user/passkeys', { token: alice.accessToken })).body).toEqual([]);
		const after = await api('POST', '/api/auth/passkey/verify', { body: { response: authenticator.authenticate((await api('POST', '/api/auth/passkey/options')).body) } });
		expect(after).toMatchObject({ status: 401, body: { error: 'passkey_not_recognized' } });
	});

	it('answers 4xx, nothing stored, for another origin, another RP ID, a reused challenge, another user\'s passkey, malformed JSON', async () => {
		const authenticator = new SoftAuthenticator({ origin: baseUrl() });
		for (const overrides of [{ origin: 'https://evil.example' }, { rpID: 'evil.example' }]) {
			const res = await api('POST', '/api/user/passkeys/register', { token: bob.accessToken, body: { response: authenticator.register(await registerOptions(bob.accessToken), overrides), name: 'Evil' } });
			expect(res).toMatchObject({ status: 400, body: { error: 'passkey_invalid', message: 'The passkey could not be verified for this site. Try again.' } });
		}
		const malformed = await api('POST', '/api/user/passkeys/register', { token: bob.accessToken, rawBody: '{"response": ' });
		expect(malformed).toEqual(expect.objectContaining({ status: 400, body: { error: 'invalid_request', message: 'Request body is not valid JSON' } }));
		const notWebauthn = await api('POST', '/api/auth/passkey/verify', { body: { response: { id: 'x' } } });
		expect(notWebauthn.status).toBe(400);
		expect(notWebauthn.body.error).toBe('invalid_request');
		const badClientData = await api('POST', '/api/auth/passkey/verify', {
			body: { response: { id: 'AA', rawId: 'AA', type: 'public-key', response: { clientDataJSON: 'bm90LWpzb24', authenticatorData: 'AA', signature: 'AA' } } }
		});
		expect(badClientData).toMatchObject({ status: 400, body: { error: 'invalid_request', message: 'response.clientDataJSON is not valid WebAuthn client data' } });
		expect((await api('GET', '/api/user/passkeys', { token: bob.accessToken })).body).toEqual([]);

		// Bob's own passkey, then Alice tries to rename and delete it: 404, unchanged.
		const bobResponse = authenticator.register(await registerOptions(bob.accessToken));
		const bobs = await api('POST', '/api/user/passkeys/register', { token: bob.accessToken, body: { response: bobResponse, name: 'Bob key' } });
		expect(bobs.status).toBe(201);
		const notFound = { status: 404, body: { error: 'not_found', message: 'Passkey not found' } };
		expect(await api('PATCH', `/api/user/passkeys/${bobs.body.id}`, { token: alice.accessToken, body: { name: 'Mine' } })).toMatchObject(notFound);
		expect(await api('DELETE', `/api/user/passkeys/${bobs.body.id}`, { token: alice.accessToken })).toMatchObject(notFound);
		expect(await api('DELETE', '/api/user/passkeys/nope', { token: alice.accessToken })).toMatchObject(notFound);
		expect((await api('GET', '/api/user/passkeys', { token: bob.accessToken })).body.map((p: { name: string }) => p.name)).toEqual(['Bob key']);

		// Alice's session asks to re-authenticate; Bob's passkey does not prove Alice.
		const reauthOptions = await api('POST', '/api/auth/reauthenticate/passkey/options', { token: alice.accessToken });
		expect(reauthOptions.status).toBe(200);
		const credentialId = bobResponse.id;
		const foreign = await api('POST', '/api/auth/reauthenticate/passkey', { token: alice.accessToken, body: { response: authenticator.authenticate(reauthOptions.body, { credentialId }) } });
		expect(foreign).toMatchObject({ status: 400, body: { error: 'passkey_not_recognized' } });
		const bobOptions = await api('POST', '/api/auth/reauthenticate/passkey/options', { token: bob.accessToken });
		const own = await api('POST', '/api/auth/reauthenticate/passkey', { token: bob.accessToken, body: { response: authenticator.authenticate(bobOptions.body, { credentialId }) } });
		expect(own.status).toBe(200);
		expect(typeof own.body.reauthenticatedAt).toBe('string');
		// The same response again: its challenge is used.
		const reused = await api('POST', '/api/auth/reauthenticate/passkey', { token: bob.accessToken, body: { response: authenticator.authenticate(bobOptions.body, { credentialId }) } });
		expect(reused).toMatchObject({ status: 400, body: { error: 'challenge_expired', message: 'This passkey request has expired or was already used. Try again.' } });
		const duplicate = await api('POST', '/api/user/passkeys/register', {
			token: alice.accessToken,
			body: { response: authenticator.register(await registerOptions(alice.accessToken), { credentialId: Buffer.from(credentialId!, 'base64url') }), name: 'Copy' }
		});
		expect(duplicate).toMatchObject({ status: 409, body: { error: 'passkey_exists' } });
	});

	it('needs a session for everything but sign-in', async () => {
		for (const [method, path] of [
			['GET', '/api/user/passkeys'],
			['POST', '/api/user/passkeys/register/options'],
			['POST', '/api/user/passkeys/register'],
			['PATCH', '/api/user/passkeys/00000000-0000-0000-0000-000000000000'],
			['DELETE', '/api/user/passkeys/00000000-0000-0000-0000-000000000000'],
			['POST', '/api/auth/reauthenticate/passkey/options'],
			['POST', '/api/auth/reauthenticate/passkey']
		] as const) {
			expect(await api(method, path, method === 'GET' ? {} : { body: {} })).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
		}
	});
});
