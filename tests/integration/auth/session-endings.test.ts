/**
 * A browser whose session was ended on purpose elsewhere hears why; nothing is said for a session
 * that timed out, a forged secret beside a real id, or a token nobody issued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changePassword } from '../../../src/lib/server/auth/service';
import { endedSessionReason } from '../../../src/lib/server/auth/session-endings';
import { revokeOtherSessions, revokeSession } from '../../../src/lib/server/sessions/service';
import { manualClock, type TestApp } from '../../helpers/app';
import { meta, PASSWORD, signedInUser, signIn } from '../../helpers/accounts';
import { createIsolatedTestApp } from '../../helpers/orgs';
import { sweepExpired } from '../../../src/lib/server/maintenance/sweep';

const clock = manualClock(new Date('2026-07-01T10:00:00Z'));
let app: TestApp;

beforeAll(async () => {
	app = await createIsolatedTestApp({ SESSION_IDLE_TIMEOUT_SECONDS: '3600', SESSION_ABSOLUTE_LIFETIME_SECONDS: '86400' });
	app.clock = clock;
});
afterAll(() => app.close());

const reason = (cookie: string) => endedSessionReason(app, cookie, clock.now());

describe('why a browser was signed out', () => {
	it('says "revoked" to the revoked device only, and nothing to the device that revoked itself', async () => {
		const a = await signedInUser(app, 'revoker');
		const b = await signIn(app, a.email);
		await revokeSession(app, a.auth, b.auth.session.id, meta());
		expect(await reason(b.cookie)).toBe('revoked');
		// The same id with another secret, or a made-up token, hears nothing.
		expect(await reason(`${b.auth.session.id}.${'a'.repeat(24)}`)).toBeNull();
		expect(await reason(`${'b'.repeat(24)}.${'c'.repeat(24)}`)).toBeNull();
		expect(await reason('garbage')).toBeNull();

		await revokeSession(app, a.auth, a.auth.session.id, meta());
		expect(await reason(a.cookie)).toBeNull();
	});

	it('says "revoked" after "sign out all other sessions" and "password_changed" after a password change', async () => {
		const a = await signedInUser(app, 'others');
		const b = await signIn(app, a.email);
		await revokeOtherSessions(app, a.auth, meta());
		expect(await reason(b.cookie)).toBe('revoked');
		expect(await reason(a.cookie)).toBeNull();

		const c = await signIn(app, a.email);
		await changePassword(app, a.auth, { currentPassword: PASSWORD, newPassword: `${PASSWORD} new` }, meta());
		expect(await reason(c.cookie)).toBe('password_changed');
	});

	it('says nothing to a session that merely expired, and forgets reasons once the session would have ended', async () => {
		const a = await signedInUser(app, 'idle');
		const b = await signIn(app, a.email);
		await revokeSession(app, a.auth, b.auth.session.id, meta());
		clock.advanceSeconds(2 * 3600);
		// a's session timed out (idle 1 h): no reason.
		expect(await reason(a.cookie)).toBeNull();
		// b's reason is kept until b's session would have reached its hard end (24 h).
		expect(await reason(b.cookie)).toBe('revoked');
		clock.advanceSeconds(24 * 3600);
		expect(await reason(b.cookie)).toBeNull();
		expect((await sweepExpired(app)).endedSessions).toBeGreaterThanOrEqual(1);
	});
});
