/**
 * The scheduled sweep deletes what can no longer be used (expired or idle sessions, expired reset
 * tokens, rate-limit windows and failure streaks that are over) and nothing that still can. It runs
 * on a database of its own: its clock is moved far ahead, which would sweep other tests' rows.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../../src/lib/server/auth/authenticate';
import { requestPasswordReset } from '../../../src/lib/server/auth/password-reset';
import { signup } from '../../../src/lib/server/auth/service';
import { loginApi, loginBrowser } from '../../helpers/password-login';
import { authFailures, passwordResetTokens, rateLimitBuckets, sessions } from '../../../src/lib/server/db/schema';
import { startMaintenance, sweepExpired } from '../../../src/lib/server/maintenance/sweep';
import { manualClock, uniqueEmail, uniqueIp } from '../../helpers/app';
import { createIsolatedTestApp } from '../../helpers/orgs';
import { waitFor } from '../../helpers/ssh';

const clock = manualClock(new Date('2026-06-01T00:00:00Z'));
let app: Awaited<ReturnType<typeof createIsolatedTestApp>>;
const password = 'correct horse 42';
const meta = (ipAddress = uniqueIp()) => ({ ipAddress, userAgent: 'vitest' });

beforeAll(async () => {
	app = await createIsolatedTestApp({ SESSION_IDLE_TIMEOUT_SECONDS: '3600', SESSION_ABSOLUTE_LIFETIME_SECONDS: '86400', REFRESH_TOKEN_TTL_SECONDS: '7200' });
	app.clock = clock;
});
afterAll(() => app.close());

describe('sweepExpired', () => {
	it('deletes expired and idle sessions, expired reset tokens and finished limit rows, and keeps live ones', async () => {
		const email = uniqueEmail('sweep');
		await signup(app, { email, password, name: 'Sweep' }, meta());
		const idle = await loginBrowser(app, { email, password }, meta());
		const api = await loginApi(app, { email, password }, meta());
		await requestPasswordReset(app, email, meta());
		await app.jobs.drain();
		await loginApi(app, { email: uniqueEmail('nobody'), password }, meta()).catch(() => undefined);

		// 50 minutes on: the reset token (30 min) and the first minute's rate-limit windows are over;
		// every session and the failure streak (1 h) live on.
		clock.advanceSeconds(50 * 60);
		const active = await loginBrowser(app, { email, password }, meta());
		await loginApi(app, { email: uniqueEmail('nobody'), password }, meta()).catch(() => undefined);
		expect(await sweepExpired(app)).toEqual({ sessions: 0, passwordResetTokens: 1, emailChangeRequests: 0, endedSessions: 0, rateLimitBuckets: 5, authFailures: 0, mfaChallenges: 0, webauthnChallenges: 0, terminalTickets: 0 });

		// 70 minutes from the start: the first browser session is idle (1 h) and the first failure
		// streak is over; the API session (2 h) and the second browser session live on.
		clock.advanceSeconds(20 * 60);
		expect(await sweepExpired(app)).toEqual({ sessions: 1, passwordResetTokens: 0, emailChangeRequests: 0, endedSessions: 0, rateLimitBuckets: 2, authFailures: 1, mfaChallenges: 0, webauthnChallenges: 0, terminalTickets: 0 });
		const left = await app.db.select({ id: sessions.id }).from(sessions);
		expect(left.map((s) => s.id).sort()).toEqual([active.sessionToken.split('.')[0], api.refreshToken.split('.')[0]].sort());
		expect(await authenticateRequest(app, { cookieToken: active.sessionToken, authorization: null })).not.toBeNull();
		expect(await authenticateRequest(app, { cookieToken: idle.sessionToken, authorization: null })).toBeNull();
		expect(await app.db.select().from(passwordResetTokens)).toEqual([]);
		expect(await app.db.select().from(authFailures)).toHaveLength(1);
		expect(await app.db.select().from(rateLimitBuckets)).toEqual([]);

		// Three hours on, everything has ended.
		clock.advanceSeconds(3 * 3600);
		expect(await sweepExpired(app)).toEqual({ sessions: 2, passwordResetTokens: 0, emailChangeRequests: 0, endedSessions: 0, rateLimitBuckets: 0, authFailures: 1, mfaChallenges: 0, webauthnChallenges: 0, terminalTickets: 0 });
		expect(await app.db.select().from(sessions).where(eq(sessions.userId, idle.user.id))).toEqual([]);
	});

	it('runs on a timer until stopped', async () => {
		const email = uniqueEmail('timer');
		await signup(app, { email, password, name: 'Timer' }, meta());
		await loginBrowser(app, { email, password }, meta());
		clock.advanceSeconds(2 * 86400);
		const maintenance = startMaintenance(app, { intervalMs: 20 });
		await waitFor(async () => (await app.db.select().from(sessions)).length === 0, 5000, 20);
		await maintenance.stop();
	});
});
