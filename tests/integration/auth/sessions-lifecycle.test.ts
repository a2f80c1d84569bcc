import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../../src/lib/server/auth/authenticate';
import { logout, refreshApiSession, signup } from '../../../src/lib/server/auth/service';
import { loginApi, loginBrowser } from '../../helpers/password-login';
import { auditLogs, sessions } from '../../../src/lib/server/db/schema';
import { listSessions, revokeOtherSessions, revokeSession } from '../../../src/lib/server/sessions/service';
import { createTestApp, manualClock, uniqueEmail, uniqueIp, type TestApp } from '../../helpers/app';

const clock = manualClock(new Date('2026-03-01T10:00:00Z'));
let app: TestApp;
const password = 'correct horse 42';
const meta = () => ({ ipAddress: uniqueIp(), userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36' });

beforeAll(async () => {
	app = await createTestApp({ SESSION_IDLE_TIMEOUT_SECONDS: '3600', SESSION_ABSOLUTE_LIFETIME_SECONDS: '86400', ACCESS_TOKEN_TTL_SECONDS: '600', REFRESH_TOKEN_TTL_SECONDS: '7200' }, clock);
});
afterAll(() => app.close());

async function newUser() {
	const email = uniqueEmail();
	await signup(app, { email, password, name: 'Session Tester' }, meta());
	return email;
}

describe('browser sessions', () => {
	it('authenticate the cookie token and store only a hash of its secret', async () => {
		const email = await newUser();
		const { sessionToken, user } = await loginBrowser(app, { email, password }, meta());
		const auth = await authenticateRequest(app, { cookieToken: sessionToken, authorization: null });
		expect(auth?.user.id).toBe(user.id);
		expect(auth?.via).toBe('cookie');
		const [row] = await app.db.select().from(sessions).where(eq(sessions.id, auth!.session.id));
		expect(JSON.stringify(row)).not.toContain(sessionToken.split('.')[1]);
		const forged = sessionToken.slice(0, -1) + (sessionToken.endsWith('a') ? 'b' : 'a');
		expect(await authenticateRequest(app, { cookieToken: forged, authorization: null })).toBeNull();
	});

	it('end after the idle timeout, but activity keeps them alive', async () => {
		const email = await newUser();
		const { sessionToken } = await loginBrowser(app, { email, password }, meta());
		clock.advanceSeconds(3000);
		expect(await authenticateRequest(app, { cookieToken: sessionToken, authorization: null })).not.toBeNull();
		clock.advanceSeconds(3000);
		expect(await authenticateRequest(app, { cookieToken: sessionToken, authorization: null })).not.toBeNull();
		clock.advanceSeconds(3601);
		expect(await authenticateRequest(app, { cookieToken: sessionToken, authorization: null })).toBeNull();
	});

	it('end at the absolute lifetime even when active', async () => {
		const email = await newUser();
		const { sessionToken } = await loginBrowser(app, { email, password }, meta());
		// Active every 3500 s (inside the 3600 s idle window) until the 86400 s absolute lifetime.
		let elapsed = 0;
		while (elapsed + 3500 < 86400) {
			clock.advanceSeconds(3500);
			elapsed += 3500;
			expect(await authenticateRequest(app, { cookieToken: sessionToken, authorization: null }), `after ${elapsed} s`).not.toBeNull();
		}
		clock.advanceSeconds(3500);
		expect(await authenticateRequest(app, { cookieToken: sessionToken, authorization: null })).toBeNull();
	});
});

describe('API sessions', () => {
	it('accept the access token until the session is revoked, whatever the token says', async () => {
		const email = await newUser();
		const tokens = await loginApi(app, { email, password }, meta());
		const auth = await authenticateRequest(app, { cookieToken: null, authorization: `Bearer ${tokens.accessToken}` });
		expect(auth?.user.email).toBe(email);
		await logout(app, auth!, meta());
		expect(await authenticateRequest(app, { cookieToken: null, authorization: `Bearer ${tokens.accessToken}` })).toBeNull();
	});

	it('rotate the refresh token on every use; a replayed old token ends the session', async () => {
		const email = await newUser();
		const first = await loginApi(app, { email, password }, meta());
		const second = await refreshApiSession(app, first.refreshToken, meta());
		expect(second.refreshToken).not.toBe(first.refreshToken);
		expect(second.refreshToken.split('.')[0]).toBe(first.refreshToken.split('.')[0]);
		await expect(refreshApiSession(app, first.refreshToken, meta())).rejects.toMatchObject({ code: 'unauthorized' });
		// The replay ended the session: the newest tokens are dead too.
		await expect(refreshApiSession(app, second.refreshToken, meta())).rejects.toMatchObject({ code: 'unauthorized' });
		expect(await authenticateRequest(app, { cookieToken: null, authorization: `Bearer ${second.accessToken}` })).toBeNull();
	});

	it('answer a forged refresh secret with a plain 401 that changes nothing and writes nothing', async () => {
		const email = await newUser();
		const tokens = await loginApi(app, { email, password }, meta());
		const [sessionId] = tokens.refreshToken.split('.');
		clock.advanceSeconds(120);
		const [before] = await app.db.select().from(sessions).where(eq(sessions.id, sessionId!));
		const auditBefore = (await app.db.select({ value: count() }).from(auditLogs))[0]!.value;
		// Someone who knows the session id (it has appeared in logs) guesses the secret.
		const forged = `${sessionId}.${'a'.repeat(24)}`;
		await expect(refreshApiSession(app, forged, meta())).rejects.toMatchObject({ code: 'unauthorized', message: 'Invalid or expired refresh token' });
		const [after] = await app.db.select().from(sessions).where(eq(sessions.id, sessionId!));
		expect(after).toEqual(before);
		const auditAfter = (await app.db.select({ value: count() }).from(auditLogs))[0]!.value;
		expect(auditAfter).toBe(auditBefore);
		// The owner's session goes on: their access token works and their refresh token rotates.
		expect(await authenticateRequest(app, { cookieToken: null, authorization: `Bearer ${tokens.accessToken}` })).not.toBeNull();
		await expect(refreshApiSession(app, tokens.refreshToken, meta())).resolves.toMatchObject({ user: { email } });
	});

	it('treat only the previous secret as a replay; an older one is just invalid', async () => {
		const email = await newUser();
		const first = await loginApi(app, { email, password }, meta());
		const second = await refreshApiSession(app, first.refreshToken, meta());
		const third = await refreshApiSession(app, second.refreshToken, meta());
		// `first` is two rotations old: not the previous secret, so it proves nothing and ends nothing.
		await expect(refreshApiSession(app, first.refreshToken, meta())).rejects.toMatchObject({ code: 'unauthorized' });
		const fourth = await refreshApiSession(app, third.refreshToken, meta());
		// `third` is now the previous secret: its return means a copy exists, so the session ends.
		await expect(refreshApiSession(app, third.refreshToken, meta())).rejects.toMatchObject({ code: 'unauthorized' });
		await expect(refreshApiSession(app, fourth.refreshToken, meta())).rejects.toMatchObject({ code: 'unauthorized' });
		const revoked = await app.db.select().from(auditLogs).where(eq(auditLogs.action, 'session.revoked'));
		expect(revoked.filter((r) => (r.metadata as { reason?: string }).reason === 'refresh_token_reuse' && r.actorEmail === email)).toHaveLength(1);
	});

	it('do not count a forged cookie as activity that keeps an idle browser session alive', async () => {
		const email = await newUser();
		const { sessionToken } = await loginBrowser(app, { email, password }, meta());
		const [sessionId] = sessionToken.split('.');
		const forged = `${sessionId}.${'b'.repeat(24)}`;
		for (let i = 0; i < 3; i++) {
			clock.advanceSeconds(3000);
			expect(await authenticateRequest(app, { cookieToken: forged, authorization: null })).toBeNull();
		}
		expect(await authenticateRequest(app, { cookieToken: sessionToken, authorization: null })).toBeNull();
	});

	it('refuse an access token after it expires, and a refresh token after its lifetime', async () => {
		const email = await newUser();
		const tokens = await loginApi(app, { email, password }, meta());
		clock.advanceSeconds(601);
		expect(await authenticateRequest(app, { cookieToken: null, authorization: `Bearer ${tokens.accessToken}` })).toBeNull();
		const renewed = await refreshApiSession(app, tokens.refreshToken, meta());
		expect(await authenticateRequest(app, { cookieToken: null, authorization: `Bearer ${renewed.accessToken}` })).not.toBeNull();
		clock.advanceSeconds(7201);
		await expect(refreshApiSession(app, renewed.refreshToken, meta())).rejects.toMatchObject({ code: 'unauthorized' });
	});
});

describe('listing and revoking sessions', () => {
	it('lists only the caller’s sessions with the current one marked, and revokes one or all others', async () => {
		const email = await newUser();
		const a = await loginBrowser(app, { email, password }, meta());
		const b = await loginApi(app, { email, password }, { ipAddress: '198.51.100.20', userAgent: 'curl/8.5.0' });
		await loginBrowser(app, { email, password }, meta());
		const authA = (await authenticateRequest(app, { cookieToken: a.sessionToken, authorization: null }))!;
		const list = await listSessions(app, authA);
		expect(list).toHaveLength(3);
		expect(list.filter((s) => s.current).map((s) => s.id)).toEqual([authA.session.id]);
		const api = list.find((s) => s.kind === 'api')!;
		expect(api).toMatchObject({ ipAddress: '198.51.100.20', browser: 'curl 8.5.0', device: 'API client' });

		const other = await newUser();
		const otherAuth = (await authenticateRequest(app, { cookieToken: (await loginBrowser(app, { email: other, password }, meta())).sessionToken, authorization: null }))!;
		await expect(revokeSession(app, otherAuth, api.id, meta())).rejects.toMatchObject({ code: 'not_found' });
		expect(await listSessions(app, otherAuth)).toHaveLength(1);

		await revokeSession(app, authA, api.id, meta());
		expect(await authenticateRequest(app, { cookieToken: null, authorization: `Bearer ${b.accessToken}` })).toBeNull();
		expect(await revokeOtherSessions(app, authA, meta())).toEqual({ revoked: 1 });
		expect((await listSessions(app, authA)).map((s) => s.id)).toEqual([authA.session.id]);
	});
});
