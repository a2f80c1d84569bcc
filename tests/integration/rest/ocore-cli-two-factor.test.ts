/**
 * `ocore login` for an account with 2FA on: the real bin against the built server, the code given
 * with --totp (computed by otplib). The CLI signs in from 127.0.0.1, whose sign-in budget other CLI
 * tests share, so it signs in only twice here: once with a wrong code, once with the right one.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../../helpers/app';
import { api, baseUrl, signUpAndLogin } from '../../helpers/http';
import { settledStep, totpCode } from '../../helpers/totp';

const BIN = path.resolve('bin/ocore.mjs');
const password = 'correct horse 42';

function ocore(args: string[], configDir: string, stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [BIN, ...args], { cwd: tmpdir(), env: { ...process.env, OCORE_CONFIG_DIR: configDir }, stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('exit', (code) => resolve({ code, stdout, stderr }));
		child.stdin.end(stdin);
	});
}

describe('ocore login with two-factor authentication', () => {
	it('refuses a malformed or wrong --totp with a clear message, then signs in with the right one', async () => {
		const email = uniqueEmail('cli2fa');
		const { accessToken } = await signUpAndLogin(email);
		const setup = await api('POST', '/api/user/2fa/setup', { token: accessToken });
		await settledStep();
		expect((await api('POST', '/api/user/2fa/enable', { token: accessToken, body: { code: await totpCode(setup.body.secret, -1) } })).status).toBe(200);
		const configDir = path.join(mkdtempSync(path.join(tmpdir(), 'ocore-cli-2fa-')), 'ocore');
		const login = (code: string) => ocore(['login', '--url', baseUrl(), '--email', email, '--password-stdin', '--totp', code], configDir, `${password}\n`);

		const malformed = await login('12345');
		expect(malformed).toMatchObject({ code: 2, stdout: '' });
		expect(malformed.stderr).toBe('ocore: --totp: Enter the 6-digit code from your authenticator app or an 8-character recovery code\n');

		const right = await totpCode(setup.body.secret);
		const wrong = await login(right === '000000' ? '111111' : '000000');
		expect(wrong).toMatchObject({ code: 1, stdout: '' });
		expect(wrong.stderr).toBe('ocore: That code is not right. 4 tries left.\n');
		expect(existsSync(path.join(configDir, 'credentials.json'))).toBe(false);

		const ok = await login(right);
		expect(ok.stderr).toContain('Session saved in');
		expect(ok).toMatchObject({ code: 0, stdout: `Logged in to ${baseUrl()} as ${email}.\n` });
		const stored = JSON.parse(readFileSync(path.join(configDir, 'credentials.json'), 'utf8'));
		expect(await api('GET', '/api/user/me', { token: stored.accessToken })).toMatchObject({ status: 200, body: { email } });
	});
});
