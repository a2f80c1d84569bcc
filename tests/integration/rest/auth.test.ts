/**
 * The documented REST contract for accounts and sessions, over real HTTP against the built server:
 * exactly what the README's curl examples do, plus every refusal beside each success.
 */
import { describe, expect, it } from 'vitest';
import { uniqueEmail, uniqueIp } from '../../helpers/app';
import { api, baseUrl, signUpAndLogin } from '../../helpers/http';

const password = 'correct horse 42';

describe('POST /api/auth/signup and /api/auth/login', () => {
	it('create an account (201) and sign in (200) with access and refresh tokens', async () => {
		const email = uniqueEmail();
		const ip = uniqueIp();
		const signup = await api('POST', '/api/auth/signup', { body: { email, password, name: 'Ada Lovelace' }, ip });
		expect(signup.status).toBe(201);
		expect(signup.body.user).toMatchObject({ email, name: 'Ada Lovelace' });
		expect(signup.body.user.passwordHash).toBeUndefined();

		const login = await api('POST', '/api/auth/login', { body: { email, password }, ip });
		expect(login.status).toBe(200);
		expect(Object.keys(login.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'user']);
		expect(login.body.expiresIn).toBe(3600);
		expect(login.body.accessToken.split('.')).toHaveLength(3);
		expect(login.body.user.email).toBe(email);
	});

	it('refuse a duplicate email (409), a weak password and a bad email (400 naming the field)', async () => {
		const email = uniqueEmail();
		await signUpAndLogin(email);
		const dup = await api('POST', '/api/auth/signup', { body: { email, password, name: 'Again' } });
		expect(dup).toMatchObject({ status: 409, body: { error: 'conflict', message: 'An account with this email already exists' } });
		const weak = await api('POST', '/api/auth/signup', { body: { email: uniqueEmail(), password: 'password', name: 'W' } });
		expect(weak).toMatchObject({ status: 400, body: { error: 'invalid_request', message: 'password: Password must contain at least one number' } });
		const bad = await api('POST', '/api/auth/signup', { body: { email: 'nope', password, name: 'B' } });
		expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_request', message: 'email: Invalid email address' } });
		const missing = await api('POST', '/api/auth/signup', { body: { email: uniqueEmail(), password } });
		expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_request', message: 'name: Name is required' } });
	});

	it('answer an unknown email and a wrong password with the same 401', async () => {
		const email = uniqueEmail();
		await signUpAndLogin(email);
		const wrong = await api('POST', '/api/auth/login', { body: { email, password: 'not the password 1' } });
		const unknown = await api('POST', '/api/auth/login', { body: { email: uniqueEmail(), password } });
		expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_credentials', message: 'Invalid email or password' } });
		expect(unknown.status).toBe(wrong.status);
		expect(unknown.body).toEqual(wrong.body);
	});

	it('limit sign-ins to 5 a minute per client address: 429 with retryAfter and Retry-After', async () => {
		const ip = uniqueIp();
		for (let i = 0; i < 5; i++) {
			expect((await api('POST', '/api/auth/login', { body: { email: uniqueEmail(), password }, ip })).status).toBe(401);
		}
		const limited = await api('POST', '/api/auth/login', { body: { email: uniqueEmail(), password }, ip });
		expect(limited.status).toBe(429);
		expect(limited.body.error).toBe('rate_limited');
		expect(limited.body.retryAfter).toBeGreaterThanOrEqual(1);
		expect(limited.headers.get('retry-after')).toBe(String(limited.body.retryAfter));
		// Another address is unaffected.
		expect((await api('POST', '/api/auth/login', { body: { email: uniqueEmail(), password } })).status).toBe(401);
	});
});

describe('refresh and logout', () => {
	it('rotate the refresh token, refuse the old one, and end the session on logout', async () => {
		const tokens = await signUpAndLogin(uniqueEmail());
		const refreshed = await api('POST', '/api/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
		expect(refreshed.status).toBe(200);
		expect(refreshed.body.refreshToken).not.toBe(tokens.refreshToken);

		const me = await api('GET', '/api/user/me', { token: refreshed.body.accessToken });
		expect(me).toMatchObject({ status: 200, body: { email: tokens.user.email } });

		const logout = await api('POST', '/api/auth/logout', { token: refreshed.body.accessToken });
		expect(logout.status).toBe(204);
		expect((await api('GET', '/api/user/me', { token: refreshed.body.accessToken })).status).toBe(401);
		expect((await api('POST', '/api/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } })).status).toBe(401);
	});

	it('answer a forged refresh secret beside a real session id with 401, and the session lives on', async () => {
		const tokens = await signUpAndLogin(uniqueEmail());
		const [sessionId] = tokens.refreshToken.split('.');
		const forged = await api('POST', '/api/auth/refresh', { body: { refreshToken: `${sessionId}.${'x'.repeat(24)}` } });
		expect(forged).toMatchObject({ status: 401, body: { error: 'unauthorized', message: 'Invalid or expired refresh token' } });
		expect((await api('GET', '/api/user/me', { token: tokens.accessToken })).status).toBe(200);
		expect((await api('POST', '/api/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).status).toBe(200);
	});

	it('refuse logout without a session and refresh with garbage', async () => {
		expect(await api('POST', '/api/auth/logout')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
		expect(await api('POST', '/api/auth/refresh', { body: { refreshToken: 'garbage' } })).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
	});
});

describe('GET /api/user/sessions and DELETE /api/user/sessions/{id}', () => {
	it('list the caller’s sessions and revoke another one, which stops working at once', async () => {
		const email = uniqueEmail();
		const first = await signUpAndLogin(email);
		const second = await api('POST', '/api/auth/login', { body: { email, password }, headers: { 'user-agent': 'curl/8.5.0' } });
		const list = await api('GET', '/api/user/sessions', { token: first.accessToken });
		expect(list.status).toBe(200);
		expect(list.body).toHaveLength(2);
		const current = list.body.find((s: any) => s.current);
		const other = list.body.find((s: any) => !s.current);
		expect(Object.keys(current).sort()).toEqual(['authMethod', 'browser', 'createdAt', 'current', 'device', 'deviceType', 'id', 'ipAddress', 'kind', 'lastActiveAt', 'os', 'summary']);
		expect(current.authMethod).toBe('password');
		expect(other.browser).toBe('curl 8.5.0');

		expect((await api('GET', '/api/user/me', { token: second.body.accessToken })).status).toBe(200);
		const revoke = await api('DELETE', `/api/user/sessions/${other.id}`, { token: first.accessToken });
		expect(revoke.status).toBe(204);
		expect((await api('GET', '/api/user/me', { token: second.body.accessToken })).status).toBe(401);
		expect((await api('DELETE', `/api/user/sessions/${other.id}`, { token: first.accessToken })).status).toBe(404);
	});

	it('never reveal or revoke another user’s session, and revoke all others in one call', async () => {
		const alice = await signUpAndLogin(uniqueEmail());
		const bob = await signUpAndLogin(uniqueEmail());
		const bobSessions = await api('GET', '/api/user/sessions', { token: bob.accessToken });
		const steal = await api('DELETE', `/api/user/sessions/${bobSessions.body[0].id}`, { token: alice.accessToken });
		expect(steal).toMatchObject({ status: 404, body: { error: 'not_found', message: 'Session not found' } });
		expect((await api('GET', '/api/user/me', { token: bob.accessToken })).status).toBe(200);

		await api('POST', '/api/auth/login', { body: { email: alice.user.email, password } });
		const others = await api('POST', '/api/user/sessions/revoke-others', { token: alice.accessToken });
		expect(others).toMatchObject({ status: 200, body: { revoked: 1 } });
		expect((await api('GET', '/api/user/sessions', { token: alice.accessToken })).body).toHaveLength(1);
		expect((await api('GET', '/api/user/sessions')).status).toBe(401);
	});
});

describe('PUT /api/user/password', () => {
	it('backs off wrong current passwords per account: 400 naming the field, then 429 with retryAfter', async () => {
		const tokens = await signUpAndLogin(uniqueEmail());
		const change = (currentPassword: string) =>
			api('PUT', '/api/user/password', { token: tokens.accessToken, body: { currentPassword, newPassword: 'next pass 99' }, ip: uniqueIp() });
		for (let i = 0; i < 5; i++) {
			expect(await change(`guess ${i}x`)).toMatchObject({ status: 400, body: { error: 'invalid_request', message: 'currentPassword: Current password is incorrect' } });
		}
		const limited = await change(password);
		expect(limited).toMatchObject({ status: 429, body: { error: 'rate_limited', message: 'Too many wrong passwords.' } });
		expect(limited.body.retryAfter).toBeGreaterThanOrEqual(1);
		expect(limited.headers.get('retry-after')).toBe(String(limited.body.retryAfter));
	});

	it('refuses a new password with a lone surrogate, a control character or only spaces, naming the field', async () => {
		const tokens = await signUpAndLogin(uniqueEmail());
		const change = (newPassword: string) => api('PUT', '/api/user/password', { token: tokens.accessToken, body: { currentPassword: password, newPassword } });
		expect(await change('abcdefg1\ud800')).toMatchObject({ status: 400, body: { message: 'newPassword: Password must not contain unpaired surrogate characters' } });
		expect(await change('abcdefg1\u0000')).toMatchObject({ status: 400, body: { message: 'newPassword: Password must not contain control characters' } });
		expect(await change(' '.repeat(10))).toMatchObject({ status: 400, body: { message: 'newPassword: Password must not be only spaces' } });
	});
});

describe('password reset over the API', () => {
	it('answers the same 202 for known and unknown emails', async () => {
		const email = uniqueEmail();
		await signUpAndLogin(email);
		const known = await api('POST', '/api/auth/password-reset/request', { body: { email } });
		const unknown = await api('POST', '/api/auth/password-reset/request', { body: { email: uniqueEmail() } });
		expect(known.status).toBe(202);
		expect(unknown).toEqual({ ...known, headers: unknown.headers });
		const bad = await api('POST', '/api/auth/password-reset/confirm', { body: { token: 'x'.repeat(32), password: 'new password 1' } });
		expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_request', message: 'This reset link is invalid or has expired' } });
	});
});

describe('bad input and unknown routes', () => {
	it('answer malformed JSON with 400, a body over 64 KiB with 413, an unknown route with a JSON 404', async () => {
		expect(await api('POST', '/api/auth/login', { rawBody: '{"email": ' })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'Request body is not valid JSON' }
		});
		const big = await api('POST', '/api/auth/signup', { rawBody: JSON.stringify({ email: 'a@b.co', password, name: 'x'.repeat(70 * 1024) }) });
		expect(big).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
		expect(await api('GET', '/api/nothing/here')).toMatchObject({ status: 404, body: { error: 'not_found' } });
		expect(await api('POST', '/api/auth/login', { rawBody: '[1,2]' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
	});
});

describe('CORS, cross-origin refusal and security headers', () => {
	it('grant CORS only to APP_URL and answer its preflight', async () => {
		const ok = await fetch(`${baseUrl()}/api/auth/login`, {
			method: 'OPTIONS',
			headers: { origin: baseUrl(), 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' }
		});
		expect(ok.status).toBe(204);
		expect(ok.headers.get('access-control-allow-origin')).toBe(baseUrl());
		const evil = await fetch(`${baseUrl()}/api/auth/login`, {
			method: 'OPTIONS',
			headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' }
		});
		expect(evil.status).toBe(403);
		expect(evil.headers.get('access-control-allow-origin')).toBeNull();
		const get = await fetch(`${baseUrl()}/api/health`, { headers: { origin: 'https://evil.example' } });
		expect(get.headers.get('access-control-allow-origin')).toBeNull();
	});

	it('refuse a cookie-authenticated state change from another origin, tRPC included', async () => {
		const email = uniqueEmail();
		await signUpAndLogin(email);
		const form = new URLSearchParams({ email, password });
		const login = await fetch(`${baseUrl()}/login`, {
			method: 'POST',
			body: form,
			redirect: 'manual',
			headers: { origin: baseUrl(), 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': uniqueIp() }
		});
		const cookie = login.headers.get('set-cookie')?.split(';')[0];
		expect(cookie, `login answered ${login.status}`).toMatch(/^ocore_session=/);
		expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/i);
		expect(login.headers.get('set-cookie')).toMatch(/SameSite=Lax/i);

		const trpc = (origin: string) =>
			fetch(`${baseUrl()}/api/trpc/sessions.revokeOthers`, { method: 'POST', headers: { cookie: cookie!, origin, 'content-type': 'application/json' }, body: '{}' });
		const cross = await trpc('https://evil.example');
		expect(cross.status).toBe(403);
		expect(await cross.json()).toEqual({ error: 'forbidden', message: 'Cross-origin request refused' });
		expect((await trpc(baseUrl())).status).toBe(200);
	});

	it('send CSP with frame-ancestors none and the other security headers on pages', async () => {
		const res = await fetch(`${baseUrl()}/login`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
		expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		// APP_URL is http here, so no HSTS.
		expect(res.headers.get('strict-transport-security')).toBeNull();
	});
});
