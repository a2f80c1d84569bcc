import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../../src/lib/server/auth/authenticate';
import { requestPasswordReset, resetPassword } from '../../../src/lib/server/auth/password-reset';
import { changePassword, signup } from '../../../src/lib/server/auth/service';
import { loginApi, loginBrowser } from '../../helpers/password-login';
import { hashSecret } from '../../../src/lib/server/auth/tokens';
import { ACCOUNT_CHAIN } from '../../../src/lib/server/audit/append';
import { auditLogs, mailOutbox, users } from '../../../src/lib/server/db/schema';
import { createTestApp, manualClock, uniqueEmail, uniqueIp, type TestApp } from '../../helpers/app';

const clock = manualClock(new Date('2026-04-01T08:00:00Z'));
let app: TestApp;
const password = 'correct horse 42';
const meta = (ipAddress = uniqueIp()) => ({ ipAddress, userAgent: 'vitest' });

beforeAll(async () => {
	app = await createTestApp({}, clock);
});
afterAll(() => app.close());

async function lastMailTo(email: string) {
	await app.jobs.drain();
	const rows = await app.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, email));
	return rows.at(-1);
}

function tokenFrom(body: string) {
	return new URL(body.match(/https?:\/\/\S+/)![0]).searchParams.get('token')!;
}

describe('sign-up', () => {
	it('stores an Argon2id hash, never the password, and refuses a second account for the email', async () => {
		const email = uniqueEmail();
		const user = await signup(app, { email, password, name: 'Ada' }, meta());
		expect(user).toMatchObject({ email, name: 'Ada' });
		expect(user).not.toHaveProperty('passwordHash');
		const [row] = await app.db.select().from(users).where(eq(users.id, user.id));
		expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		await expect(signup(app, { email, password, name: 'Ada again' }, meta())).rejects.toMatchObject({ code: 'conflict' });
	});
});

describe('sign-in', () => {
	it('answers an unknown email and a wrong password identically, and logs both failures', async () => {
		const email = uniqueEmail();
		await signup(app, { email, password, name: 'Bo' }, meta());
		const unknown = await loginApi(app, { email: uniqueEmail(), password }, meta()).catch((e) => e);
		const wrong = await loginApi(app, { email, password: 'wrong password 1' }, meta()).catch((e) => e);
		expect([unknown.code, unknown.message]).toEqual(['invalid_credentials', 'Invalid email or password']);
		expect([wrong.code, wrong.message]).toEqual([unknown.code, unknown.message]);
		const failures = await app.db.select().from(auditLogs).where(eq(auditLogs.action, 'auth.login_failed'));
		expect(failures.filter((f) => (f.metadata as { emailSha256?: string }).emailSha256 === hashSecret(email))).toHaveLength(1);
		expect(JSON.stringify(failures)).not.toContain('wrong password 1');
	});

	it('backs off after repeated failures from one address without locking out the owner elsewhere', async () => {
		const email = uniqueEmail();
		await signup(app, { email, password, name: 'Cy' }, meta());
		const attackerIp = uniqueIp();
		// The per-IP limit is 5 a minute: spread the attempts over minutes so only the back-off speaks.
		for (let i = 0; i < 5; i++) {
			clock.advanceSeconds(61);
			await expect(loginApi(app, { email, password: `guess ${i}x` }, meta(attackerIp))).rejects.toMatchObject({ code: 'invalid_credentials' });
		}
		clock.advanceSeconds(0.5);
		const blocked = await loginApi(app, { email, password }, meta(attackerIp)).catch((e) => e);
		expect(blocked).toMatchObject({ code: 'rate_limited' });
		expect(blocked.retryAfterSeconds).toBeGreaterThan(0);
		// The owner, from their own address, is not affected.
		await expect(loginApi(app, { email, password }, meta())).resolves.toMatchObject({ user: { email } });
	});

	it('limits each client address to 5 attempts a minute', async () => {
		const ip = uniqueIp();
		clock.advanceSeconds(120);
		for (let i = 0; i < 5; i++) await expect(loginApi(app, { email: uniqueEmail(), password }, meta(ip))).rejects.toMatchObject({ code: 'invalid_credentials' });
		const limited = await loginApi(app, { email: uniqueEmail(), password }, meta(ip)).catch((e) => e);
		expect(limited).toMatchObject({ code: 'rate_limited' });
		expect(limited.retryAfterSeconds).toBeGreaterThanOrEqual(1);
		expect(limited.retryAfterSeconds).toBeLessThanOrEqual(60);
		clock.advanceSeconds(120);
		await expect(loginApi(app, { email: uniqueEmail(), password }, meta(ip))).rejects.toMatchObject({ code: 'invalid_credentials' });
	});
});

describe('password reset', () => {
	it('mails a single-use link that ends every session and expires after 30 minutes', async () => {
		const email = uniqueEmail();
		await signup(app, { email, password, name: 'Di' }, meta());
		const session = await loginBrowser(app, { email, password }, meta());
		await requestPasswordReset(app, email, meta());
		const mail = await lastMailTo(email);
		expect(mail?.subject).toBe('Reset your oCore password');
		const token = tokenFrom(mail!.body);
		await resetPassword(app, { token, password: 'brand new pass 7' }, meta());
		expect(await authenticateRequest(app, { cookieToken: session.sessionToken, authorization: null })).toBeNull();
		await expect(loginApi(app, { email, password: 'brand new pass 7' }, meta())).resolves.toBeTruthy();
		await expect(resetPassword(app, { token, password: 'another pass 8' }, meta())).rejects.toMatchObject({
			code: 'invalid_request',
			message: 'This reset link is invalid or has expired'
		});

		await requestPasswordReset(app, email, meta());
		const late = tokenFrom((await lastMailTo(email))!.body);
		clock.advanceSeconds(30 * 60 + 1);
		await expect(resetPassword(app, { token: late, password: 'another pass 8' }, meta())).rejects.toMatchObject({ code: 'invalid_request' });
	});

	it('answers the same for an unknown email and sends nothing', async () => {
		const email = uniqueEmail();
		await expect(requestPasswordReset(app, email, meta())).resolves.toBeUndefined();
		expect(await lastMailTo(email)).toBeUndefined();
	});
});

describe('password change', () => {
	it('needs the current password, keeps this session and ends the others', async () => {
		const email = uniqueEmail();
		await signup(app, { email, password, name: 'Ed' }, meta());
		const here = await loginBrowser(app, { email, password }, meta());
		const there = await loginBrowser(app, { email, password }, meta());
		const auth = (await authenticateRequest(app, { cookieToken: here.sessionToken, authorization: null }))!;
		await expect(changePassword(app, auth, { currentPassword: 'wrong one 1', newPassword: 'next pass 99' }, meta())).rejects.toMatchObject({ code: 'invalid_request' });
		expect(await changePassword(app, auth, { currentPassword: password, newPassword: 'next pass 99' }, meta())).toEqual({ endedSessions: 1 });
		expect(await authenticateRequest(app, { cookieToken: here.sessionToken, authorization: null })).not.toBeNull();
		expect(await authenticateRequest(app, { cookieToken: there.sessionToken, authorization: null })).toBeNull();
		const [changed] = await app.db.select().from(auditLogs).where(and(eq(auditLogs.action, 'user.password_changed'), eq(auditLogs.actorEmail, email)));
		expect(changed?.metadata).toEqual({ endedSessions: 1 });
	});
});

/**
 * Re-authentication inside a signed-in session (today: the current password of a password change)
 * is limited like sign-in: per-account back-off, the per-address budget shared with sign-in, and an
 * audit row in the account's own chain for every wrong password.
 */
async function signedIn() {
	const email = uniqueEmail('reauth');
	const user = await signup(app, { email, password, name: 'Re' }, meta());
	const { sessionToken } = await loginBrowser(app, { email, password }, meta());
	const auth = (await authenticateRequest(app, { cookieToken: sessionToken, authorization: null }))!;
	return { email, user, auth };
}

describe('current-password checks', () => {
	it('back off per account after repeated wrong passwords, whatever the address, and audit each one', async () => {
		const { user, auth } = await signedIn();
		for (let i = 0; i < 5; i++) {
			clock.advanceSeconds(1);
			await expect(changePassword(app, auth, { currentPassword: `guess ${i}x`, newPassword: 'next pass 99' }, meta())).rejects.toMatchObject({
				code: 'invalid_request',
				message: 'currentPassword: Current password is incorrect'
			});
		}
		// Even the right password waits now, from a fresh address too: the guesser learns nothing.
		const blocked = await changePassword(app, auth, { currentPassword: password, newPassword: 'next pass 99' }, meta()).catch((e) => e);
		expect(blocked).toMatchObject({ code: 'rate_limited' });
		expect(blocked.retryAfterSeconds).toBeGreaterThan(0);
		const failures = await app.db
			.select()
			.from(auditLogs)
			.where(and(eq(auditLogs.chain, ACCOUNT_CHAIN), eq(auditLogs.action, 'auth.reauth_failed'), eq(auditLogs.actorUserId, user.id)));
		expect(failures).toHaveLength(5);
		expect(failures[0]!.metadata).toEqual({ purpose: 'password_change' });
		expect(JSON.stringify(failures)).not.toContain('guess');
		clock.advanceSeconds(blocked.retryAfterSeconds);
		await expect(changePassword(app, auth, { currentPassword: password, newPassword: 'next pass 99' }, meta())).resolves.toEqual({ endedSessions: 0 });
	});

	it('share the per-address budget with sign-in', async () => {
		const { auth } = await signedIn();
		const ip = uniqueIp();
		clock.advanceSeconds(120);
		for (let i = 0; i < 3; i++) await expect(loginApi(app, { email: uniqueEmail(), password }, meta(ip))).rejects.toMatchObject({ code: 'invalid_credentials' });
		for (let i = 0; i < 2; i++) {
			await expect(changePassword(app, auth, { currentPassword: `guess ${i}y`, newPassword: 'next pass 99' }, meta(ip))).rejects.toMatchObject({ code: 'invalid_request' });
		}
		const limited = await changePassword(app, auth, { currentPassword: 'guess 3y', newPassword: 'next pass 99' }, meta(ip)).catch((e) => e);
		expect(limited).toMatchObject({ code: 'rate_limited' });
		expect(limited.retryAfterSeconds).toBeGreaterThanOrEqual(1);
	});

	it('clear the back-off after a right password', async () => {
		const { auth } = await signedIn();
		for (let i = 0; i < 4; i++) {
			clock.advanceSeconds(1);
			await expect(changePassword(app, auth, { currentPassword: `guess ${i}z`, newPassword: 'next pass 99' }, meta())).rejects.toMatchObject({ code: 'invalid_request' });
		}
		await changePassword(app, auth, { currentPassword: password, newPassword: 'next pass 99' }, meta());
		for (let i = 0; i < 4; i++) {
			clock.advanceSeconds(1);
			await expect(changePassword(app, auth, { currentPassword: `guess ${i}w`, newPassword: 'other pass 98' }, meta())).rejects.toMatchObject({ code: 'invalid_request' });
		}
	});
});
