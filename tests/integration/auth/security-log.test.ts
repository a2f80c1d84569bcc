/**
 * Account events are the user's own (issue 7, items 1 and 3): they stay in the account chain, never
 * in an org's; no audit row names a session by its id (half of a bearer credential); and the security
 * log shows a user their own events only, in words, with the device.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSecurityLog } from '../../../src/lib/server/audit/security-log';
import { securityLogInput } from '../../../src/lib/server/audit/schemas';
import { authenticateRequest } from '../../../src/lib/server/auth/authenticate';
import { changePassword, logout, signup } from '../../../src/lib/server/auth/service';
import { loginApi, loginBrowser } from '../../helpers/password-login';
import { auditLogs, sessions } from '../../../src/lib/server/db/schema';
import { listSessions, revokeSession } from '../../../src/lib/server/sessions/service';
import { createTestApp, uniqueEmail, type TestApp } from '../../helpers/app';
import { callerAs, joinOrg, orgWithOwner } from '../../helpers/orgs';

let app: TestApp;
const password = 'correct horse 42';
const browser = { ipAddress: '198.51.100.30', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36' };
const cli = { ipAddress: '198.51.100.31', userAgent: 'curl/8.5.0' };

beforeAll(async () => {
	app = await createTestApp();
});
afterAll(() => app.close());

async function newUser(name = 'Log Reader') {
	const email = uniqueEmail('log');
	const user = await signup(app, { email, password, name }, browser);
	return { ...user, name };
}

describe('session ids in audit rows', () => {
	it('appear in none: sign-in, sign-out and revocation name a session by device and address', async () => {
		const user = await newUser();
		const a = await loginBrowser(app, { email: user.email, password }, browser);
		await loginApi(app, { email: user.email, password }, cli);
		const authA = (await authenticateRequest(app, { cookieToken: a.sessionToken, authorization: null }))!;
		const ids = (await app.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user.id))).map((s) => s.id);
		expect(ids).toHaveLength(2);
		const apiSession = (await listSessions(app, authA)).find((s) => s.kind === 'api')!;
		await revokeSession(app, authA, apiSession.id, browser);
		await logout(app, authA, browser);

		const rows = await app.db.select().from(auditLogs).where(eq(auditLogs.actorUserId, user.id));
		expect(rows.map((r) => r.action).sort()).toEqual(['auth.login', 'auth.login', 'auth.logout', 'session.revoked', 'user.signed_up']);
		const text = JSON.stringify(rows);
		for (const id of ids) expect(text).not.toContain(id);
		expect(rows.find((r) => r.action === 'session.revoked')!.metadata).toEqual({
			current: false,
			session: { device: 'API client', ipAddress: cli.ipAddress }
		});
	});
});

describe('listSecurityLog', () => {
	it("shows the user's own events only, newest first, in words, with the device; never in an org's chain", async () => {
		const { owner, org } = await orgWithOwner(app);
		const me = await newUser('Me');
		await joinOrg(app, owner, org.id, me, 'Developer');
		const someoneElse = await newUser('Else');
		await loginBrowser(app, { email: me.email, password }, browser);
		await loginApi(app, { email: someoneElse.email, password }, cli);

		const page = await listSecurityLog(app, me.id, securityLogInput.parse({}));
		expect(page.items.map((r) => [r.action, r.summary, r.device, r.ipAddress])).toEqual([
			['auth.login', 'You signed in', 'Desktop (Linux)', browser.ipAddress],
			['user.signed_up', 'You created the account', 'Desktop (Linux)', browser.ipAddress]
		]);
		expect(page.nextCursor).toBeNull();
		expect((await listSecurityLog(app, someoneElse.id, securityLogInput.parse({}))).items.map((r) => r.action)).toEqual([
			'auth.login',
			'user.signed_up'
		]);
		const orgRows = await app.db.select().from(auditLogs).where(eq(auditLogs.chain, org.id));
		expect(orgRows.map((r) => r.action)).toEqual(['org.created', 'member.invited', 'member.joined']);

		// Through tRPC too: the procedure takes no user id; each caller gets their own.
		const viaCaller = await callerAs(app, me).securityLog.list({ limit: 1 });
		expect(viaCaller.items.map((r) => r.action)).toEqual(['auth.login']);
		const next = await callerAs(app, me).securityLog.list({ limit: 1, cursor: viaCaller.nextCursor! });
		expect(next.items.map((r) => r.action)).toEqual(['user.signed_up']);
	});
});

describe('summaries', () => {
	it('put every account event in words, a wrong current password included', async () => {
		const me = await newUser('Reauth');
		const auth = (await authenticateRequest(app, { cookieToken: (await loginBrowser(app, { email: me.email, password }, browser)).sessionToken, authorization: null }))!;
		await expect(changePassword(app, auth, { currentPassword: 'not my password 1', newPassword: 'a new secret 77' }, browser)).rejects.toMatchObject({
			code: 'invalid_request'
		});
		const page = await listSecurityLog(app, me.id, securityLogInput.parse({}));
		expect(page.items.map((r) => r.summary)).toEqual(['You gave a wrong current password while changing your password', 'You signed in', 'You created the account']);
		for (const item of page.items) expect(item.summary).not.toMatch(/^[a-z_]+\.[a-z_]+$/);
	});
});
