/**
 * The 2FA REST contract over real HTTP against the built server, as the README's curl examples use
 * it: setup and enable, login answering mfaRequired, /api/auth/totp/verify answering what login
 * answers without 2FA, the per-address limit, malformed and dead input, recovery codes, disable.
 */
import { describe, expect, it } from 'vitest';
import { uniqueEmail, uniqueIp } from '../../helpers/app';
import { api, signUpAndLogin } from '../../helpers/http';
import { settledStep, totpCode } from '../../helpers/totp';

const password = 'correct horse 42';

async function withTwoFactor() {
	const email = uniqueEmail('rest2fa');
	const tokens = await signUpAndLogin(email);
	const setup = await api('POST', '/api/user/2fa/setup', { token: tokens.accessToken });
	expect(setup.status).toBe(200);
	await settledStep();
	// The code of the previous step (accepted as drift) turns it on; t and t+1 stay free for the test.
	const enable = await api('POST', '/api/user/2fa/enable', { token: tokens.accessToken, body: { code: await totpCode(setup.body.secret, -1) } });
	expect(enable.status).toBe(200);
	return { email, token: tokens.accessToken, secret: setup.body.secret as string, recoveryCodes: enable.body.recoveryCodes as string[] };
}

describe('setting up 2FA over REST', () => {
	it('setup answers a pending secret, enable confirms it with a code and answers 8 recovery codes once', async () => {
		const tokens = await signUpAndLogin(uniqueEmail('rest2fa'));
		const token = tokens.accessToken;
		expect(await api('GET', '/api/user/2fa', { token })).toMatchObject({ status: 200, body: { enabled: false, enabledAt: null, recoveryCodesRemaining: 0 } });

		const setup = await api('POST', '/api/user/2fa/setup', { token });
		expect(setup.status).toBe(200);
		expect(Object.keys(setup.body).sort()).toEqual(['otpauthUrl', 'qrSvg', 'secret']);
		expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
		expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/oCore:/);
		expect(setup.body.qrSvg).toMatch(/^<svg/);
		expect((await api('GET', '/api/user/2fa', { token })).body.enabled).toBe(false);

		const malformed = await api('POST', '/api/user/2fa/enable', { token, body: { code: '12ab' } });
		expect(malformed).toMatchObject({ status: 400, body: { error: 'invalid_request', message: 'code: Enter the 6-digit code from your authenticator app' } });
		const missing = await api('POST', '/api/user/2fa/enable', { token, body: {} });
		expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_request', message: expect.stringMatching(/^code: /) } });

		await settledStep();
		const enable = await api('POST', '/api/user/2fa/enable', { token, body: { code: await totpCode(setup.body.secret) } });
		expect(enable.status).toBe(200);
		expect(Object.keys(enable.body)).toEqual(['recoveryCodes']);
		expect(enable.body.recoveryCodes).toHaveLength(8);
		const status = await api('GET', '/api/user/2fa', { token });
		expect(status.body).toMatchObject({ enabled: true, recoveryCodesRemaining: 8 });
		expect(new Date(status.body.enabledAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

		expect(await api('POST', '/api/user/2fa/setup', { token })).toMatchObject({ status: 409, body: { error: 'conflict' } });
		expect(await api('GET', '/api/user/2fa')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
		expect(await api('POST', '/api/user/2fa/setup')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
	});
});

describe('signing in with 2FA over REST', () => {
	it('login answers mfaRequired and no session; totp/verify answers the tokens, once', async () => {
		const user = await withTwoFactor();
		const login = await api('POST', '/api/auth/login', { body: { email: user.email, password } });
		expect(login.status).toBe(200);
		expect(Object.keys(login.body).sort()).toEqual(['methods', 'mfaRequired', 'mfaToken']);
		expect(login.body).toMatchObject({ mfaRequired: true, methods: ['totp', 'recovery_code'] });
		expect(login.headers.get('set-cookie')).toBeNull();

		const malformed = await api('POST', '/api/auth/totp/verify', { body: { mfaToken: login.body.mfaToken, code: '12' } });
		expect(malformed).toMatchObject({ status: 400, body: { error: 'invalid_request', message: expect.stringMatching(/^code: Enter the 6-digit code/) } });
		const noToken = await api('POST', '/api/auth/totp/verify', { body: { code: '123456' } });
		expect(noToken).toMatchObject({ status: 400, body: { error: 'invalid_request', message: 'mfaToken: mfaToken is required' } });

		const code = await totpCode(user.secret);
		const verified = await api('POST', '/api/auth/totp/verify', { body: { mfaToken: login.body.mfaToken, code } });
		expect(verified.status).toBe(200);
		expect(Object.keys(verified.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'user']);
		expect(verified.body.user.email).toBe(user.email);
		expect(await api('GET', '/api/user/me', { token: verified.body.accessToken })).toMatchObject({ status: 200, body: { email: user.email } });

		const reused = await api('POST', '/api/auth/totp/verify', { body: { mfaToken: login.body.mfaToken, code: await totpCode(user.secret, 1) } });
		expect(reused).toMatchObject({ status: 401, body: { error: 'mfa_token_invalid', message: expect.stringContaining('Sign in again') } });
		const made_up = await api('POST', '/api/auth/totp/verify', { body: { mfaToken: 'abc.def', code: '123456' } });
		expect(made_up).toMatchObject({ status: 401, body: { error: 'mfa_token_invalid' } });

		// The same code again, with a fresh token: refused (replay), with the tries left.
		const again = await api('POST', '/api/auth/login', { body: { email: user.email, password } });
		const replay = await api('POST', '/api/auth/totp/verify', { body: { mfaToken: again.body.mfaToken, code } });
		expect(replay).toMatchObject({ status: 401, body: { error: 'invalid_code', message: 'That code is not right. 4 tries left.' } });
		// A recovery code, typed in capitals with a hyphen, finishes it.
		const rc = user.recoveryCodes[0]!;
		const recovered = await api('POST', '/api/auth/totp/verify', { body: { mfaToken: again.body.mfaToken, code: `${rc.slice(0, 4).toUpperCase()}-${rc.slice(4)}` } });
		expect(recovered.status).toBe(200);
		expect((await api('GET', '/api/user/2fa', { token: recovered.body.accessToken })).body.recoveryCodesRemaining).toBe(7);
	});

	it('limits verification to 5 a minute per client address: 429 with retryAfter and Retry-After', async () => {
		const ip = uniqueIp();
		for (let i = 0; i < 5; i++) {
			expect((await api('POST', '/api/auth/totp/verify', { body: { mfaToken: 'abc.def', code: '123456' }, ip })).status).toBe(401);
		}
		const limited = await api('POST', '/api/auth/totp/verify', { body: { mfaToken: 'abc.def', code: '123456' }, ip });
		expect(limited.status).toBe(429);
		expect(limited.body).toMatchObject({ error: 'rate_limited', message: 'Too many requests.' });
		expect(limited.body.retryAfter).toBeGreaterThanOrEqual(1);
		expect(limited.headers.get('retry-after')).toBe(String(limited.body.retryAfter));
		expect((await api('POST', '/api/auth/totp/verify', { body: { mfaToken: 'abc.def', code: '123456' } })).status).toBe(401);
	});

	it('voids the token at the fifth wrong code', async () => {
		const user = await withTwoFactor();
		const { body } = await api('POST', '/api/auth/login', { body: { email: user.email, password } });
		const wrong = async () => api('POST', '/api/auth/totp/verify', { body: { mfaToken: body.mfaToken, code: 'wrong000' } });
		for (let i = 4; i >= 1; i--) expect((await wrong()).body.error).toBe('invalid_code');
		expect(await wrong()).toMatchObject({ status: 401, body: { error: 'mfa_attempts_exceeded', message: expect.stringContaining('Sign in again') } });
		const late = await api('POST', '/api/auth/totp/verify', { body: { mfaToken: body.mfaToken, code: user.recoveryCodes[0] } });
		expect(late).toMatchObject({ status: 401, body: { error: 'mfa_token_invalid' } });
	});
});

describe('managing 2FA over REST', () => {
	it('regenerates recovery codes with a TOTP, confirms access, and turns off with password and code', async () => {
		const user = await withTwoFactor();
		const token = user.token;
		const regen = await api('POST', '/api/user/2fa/recovery-codes', { token, body: { code: await totpCode(user.secret) } });
		expect(regen.status).toBe(200);
		expect(regen.body.recoveryCodes).toHaveLength(8);
		expect(regen.body.recoveryCodes).not.toContain(user.recoveryCodes[0]);

		expect(await api('POST', '/api/auth/reauthenticate', { token, body: { password: 'wrong pass 1' } })).toMatchObject({ status: 400, body: { error: 'invalid_request', message: 'password: Current password is incorrect' } });
		expect(await api('POST', '/api/auth/reauthenticate', { token, body: {} })).toMatchObject({ status: 400, body: { message: 'body: Give either password or code' } });
		expect(await api('POST', '/api/auth/reauthenticate', { token, body: { code: 'x' } })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^code: /) } });
		expect((await api('POST', '/api/auth/reauthenticate', { token, body: { password } })).status).toBe(204);
		expect((await api('POST', '/api/auth/reauthenticate', { token, body: { code: regen.body.recoveryCodes[0] } })).status).toBe(204);
		expect((await api('POST', '/api/auth/reauthenticate', { body: { password } })).status).toBe(401);

		const noCode = await api('POST', '/api/user/2fa/disable', { token, body: { password } });
		expect(noCode).toMatchObject({ status: 400, body: { error: 'invalid_request', message: expect.stringMatching(/^code: /) } });
		const wrongPassword = await api('POST', '/api/user/2fa/disable', { token, body: { password: 'wrong pass 1', code: await totpCode(user.secret, 1) } });
		expect(wrongPassword).toMatchObject({ status: 400, body: { message: 'password: Current password is incorrect' } });
		expect((await api('GET', '/api/user/2fa', { token })).body.enabled).toBe(true);
		const disabled = await api('POST', '/api/user/2fa/disable', { token, body: { password, code: await totpCode(user.secret, 1) } });
		expect(disabled.status).toBe(204);
		expect((await api('GET', '/api/user/2fa', { token })).body).toEqual({ enabled: false, enabledAt: null, recoveryCodesRemaining: 0 });
		const login = await api('POST', '/api/auth/login', { body: { email: user.email, password } });
		expect(Object.keys(login.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'user']);
	});
});
