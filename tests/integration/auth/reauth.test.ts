/**
 * Re-authentication inside a signed-in session (today: the current password of a password change)
 * is limited like sign-in: per-account back-off, the per-address budget shared with sign-in, and an
 * audit row in the account's own chain for every wrong password.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../../src/lib/server/auth/authenticate';
import { changePassword, loginApi, loginBrowser, signup } from '../../../src/lib/server/auth/service';
import { ACCOUNT_CHAIN } from '../../../src/lib/server/audit/append';
import { auditLogs } from '../../../src/lib/server/db/schema';
import { createTestApp, manualClock, uniqueEmail, uniqueIp, type TestApp } from '../../helpers/app';

const clock = manualClock(new Date('2026-05-01T08:00:00Z'));
let app: TestApp;
const password = 'correct horse 42';
const meta = (ipAddress = uniqueIp()) => ({ ipAddress, userAgent: 'vitest' });

beforeAll(async () => {
	app = await createTestApp({}, clock);
});
afterAll(() => app.close());

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
