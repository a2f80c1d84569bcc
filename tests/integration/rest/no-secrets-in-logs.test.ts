/**
 * Secrets never reach a log: drive every flow that handles a password or token through the real
 * server (with request logging on), including failures, then search everything it printed.
 */
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../../helpers/app';
import { api } from '../../helpers/http';
import { serverLogUpToNow } from '../../helpers/server-log';

describe('server logs', () => {
	it('contain no password, token, refresh token or reset token', async () => {
		const email = uniqueEmail('logs');
		const password = 'Log-Canary-Password-1';
		const signup = await api('POST', '/api/auth/signup', { body: { email, password, name: 'Logs' } });
		expect(signup.status).toBe(201);
		const login = await api('POST', '/api/auth/login', { body: { email, password } });
		expect(login.status).toBe(200);
		await api('POST', '/api/auth/login', { body: { email, password: 'Wrong-Canary-Password-2' } });
		const refreshed = await api('POST', '/api/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
		expect(refreshed.status).toBe(200);
		await api('POST', '/api/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
		await api('PUT', '/api/user/password', { token: refreshed.body.accessToken, body: { currentPassword: password, newPassword: 'New-Canary-Password-3' } });
		await api('POST', '/api/auth/password-reset/request', { body: { email } });
		await api('POST', '/api/auth/password-reset/confirm', { body: { token: 'reset-canary-token-value', password: 'Reset-Canary-Password-4' } });
		await api('POST', '/api/auth/login', { rawBody: '{"email":"x@y.z","password":"Broken-Json-Canary-5"' });

		const log = await serverLogUpToNow();
		expect(log).toContain('"msg":"request"');
		for (const secret of [
			password,
			'Wrong-Canary-Password-2',
			'New-Canary-Password-3',
			'reset-canary-token-value',
			'Reset-Canary-Password-4',
			'Broken-Json-Canary-5',
			login.body.accessToken,
			login.body.refreshToken,
			login.body.refreshToken.split('.')[1],
			refreshed.body.accessToken,
			refreshed.body.refreshToken
		]) {
			expect(log.includes(secret), `log contains ${secret.slice(0, 12)}…`).toBe(false);
		}
	});
});
