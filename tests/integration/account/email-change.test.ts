/**
 * Changing the email address: asked for with the current password, confirmed by a single-use link
 * mailed to the new address, told to the old address both times, audited on the account chain.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelEmailChange, confirmEmailChange, findPendingEmailChange, requestEmailChange, resendEmailChange } from '../../../src/lib/server/account/email-change';
import { ACCOUNT_CHAIN } from '../../../src/lib/server/audit/append';
import { loginBrowser, signup } from '../../../src/lib/server/auth/service';
import { auditLogs, emailChangeRequests, users } from '../../../src/lib/server/db/schema';
import { sweepExpired } from '../../../src/lib/server/maintenance/sweep';
import { manualClock, uniqueEmail, type TestApp } from '../../helpers/app';
import { linkIn, mailTo, meta, PASSWORD, signedInUser } from '../../helpers/accounts';
import { createIsolatedTestApp } from '../../helpers/orgs';

const clock = manualClock(new Date('2026-05-01T09:00:00Z'));
let app: TestApp;

beforeAll(async () => {
	// Its own database: the sweep below runs with the clock moved ahead.
	app = await createIsolatedTestApp();
	app.clock = clock;
});
afterAll(() => app.close());

const tokenOf = async (to: string) => linkIn((await mailTo(app, to))[0]!.body).searchParams.get('token')!;

async function accountEvents(userId: string) {
	const rows = await app.db.select().from(auditLogs).where(and(eq(auditLogs.chain, ACCOUNT_CHAIN), eq(auditLogs.actorUserId, userId)));
	return rows.map((r) => ({ action: r.action, metadata: r.metadata }));
}

describe('asking for an email change', () => {
	it('refuses a wrong current password, audits it, and mails nobody', async () => {
		const { auth } = await signedInUser(app, 'wrongpw');
		const newEmail = uniqueEmail('wanted');
		const refused = await requestEmailChange(app, auth, { email: newEmail, currentPassword: 'not it 1' }, meta()).catch((e) => e);
		expect([refused.code, refused.message]).toEqual(['invalid_request', 'currentPassword: Current password is incorrect']);
		expect(await findPendingEmailChange(app, auth.user.id)).toBeNull();
		expect(await mailTo(app, newEmail)).toEqual([]);
		expect(await accountEvents(auth.user.id)).toContainEqual({ action: 'auth.reauth_failed', metadata: { purpose: 'email_change' } });
	});

	it('refuses an address that already has an account, whatever its case, and the current address', async () => {
		const { auth } = await signedInUser(app, 'taken');
		const other = uniqueEmail('other');
		await signup(app, { email: other, password: PASSWORD, name: 'Other' }, meta());
		clock.advanceSeconds(5);
		const taken = await requestEmailChange(app, auth, { email: other, currentPassword: PASSWORD }, meta()).catch((e) => e);
		expect([taken.code, taken.message]).toEqual(['conflict', 'email: An account with this email already exists']);
		const same = await requestEmailChange(app, auth, { email: auth.user.email, currentPassword: PASSWORD }, meta()).catch((e) => e);
		expect(same.message).toBe('email: This is already your email address');
		expect(await findPendingEmailChange(app, auth.user.id)).toBeNull();
	});
});

describe('confirming by the mailed link', () => {
	it('changes the address once, tells the old address twice with the new one masked, and audits it', async () => {
		const { auth, email: oldEmail } = await signedInUser(app, 'mover', 'Nina Mover');
		const newEmail = uniqueEmail('nina');
		const pending = await requestEmailChange(app, auth, { email: newEmail, currentPassword: PASSWORD }, meta());
		expect(pending).toMatchObject({ email: newEmail, expiresAt: new Date(clock.now().getTime() + 24 * 3600_000) });

		const [link] = await mailTo(app, newEmail);
		expect(link!.subject).toBe('Confirm your new oCore email address');
		expect(linkIn(link!.body).pathname).toBe('/confirm-email');
		const token = linkIn(link!.body).searchParams.get('token')!;
		// Only the SHA-256 of the token is stored.
		const [stored] = await app.db.select().from(emailChangeRequests).where(eq(emailChangeRequests.userId, auth.user.id));
		expect(JSON.stringify(stored)).not.toContain(token);

		const [notice] = await mailTo(app, oldEmail);
		expect(notice!.subject).toBe('Your oCore email address is about to change');
		expect(notice!.body).toContain(`to n***@${newEmail.split('@')[1]}`);
		expect(notice!.body).not.toContain(newEmail);
		expect(notice!.body).toContain("If it wasn't you, change your password");

		// Still the old address until the link is used.
		expect((await app.db.select().from(users).where(eq(users.id, auth.user.id)))[0]!.email).toBe(oldEmail);

		expect(await confirmEmailChange(app, token, meta())).toEqual({ email: newEmail });
		expect((await app.db.select().from(users).where(eq(users.id, auth.user.id)))[0]!.email).toBe(newEmail);
		const [changed] = await mailTo(app, oldEmail);
		expect(changed!.subject).toBe('Your oCore email address was changed');
		expect(changed!.body).toContain(`changed to n***@${newEmail.split('@')[1]}`);

		// Single use.
		const again = await confirmEmailChange(app, token, meta()).catch((e) => e);
		expect([again.code, again.message]).toEqual(['invalid_request', 'This confirmation link is invalid or has expired']);

		// The new address signs in; the old one no longer does.
		await expect(loginBrowser(app, { email: newEmail, password: PASSWORD }, meta())).resolves.toMatchObject({ user: { email: newEmail } });
		await expect(loginBrowser(app, { email: oldEmail, password: PASSWORD }, meta())).rejects.toMatchObject({ code: 'invalid_credentials' });

		const events = await accountEvents(auth.user.id);
		expect(events).toContainEqual({ action: 'user.email_change_requested', metadata: { newEmail } });
		expect(events).toContainEqual({ action: 'user.email_changed', metadata: { previousEmail: oldEmail, newEmail } });
		expect(JSON.stringify(events)).not.toContain(token);
	});

	it('refuses an expired link and leaves the address as it was; the sweep removes the request', async () => {
		const { auth, email } = await signedInUser(app, 'slow');
		const newEmail = uniqueEmail('later');
		await requestEmailChange(app, auth, { email: newEmail, currentPassword: PASSWORD }, meta());
		const token = await tokenOf(newEmail);
		clock.advanceSeconds(24 * 3600 + 1);
		expect(await findPendingEmailChange(app, auth.user.id)).toBeNull();
		await expect(confirmEmailChange(app, token, meta())).rejects.toMatchObject({ code: 'invalid_request', message: 'This confirmation link is invalid or has expired' });
		expect((await app.db.select().from(users).where(eq(users.id, auth.user.id)))[0]!.email).toBe(email);
		expect((await sweepExpired(app)).emailChangeRequests).toBeGreaterThanOrEqual(1);
		expect(await app.db.select().from(emailChangeRequests).where(eq(emailChangeRequests.userId, auth.user.id))).toEqual([]);
	});

	it('refuses with 409 when the address was taken meanwhile, and drops the pending change', async () => {
		const { auth, email } = await signedInUser(app, 'racer');
		const contested = uniqueEmail('contested');
		await requestEmailChange(app, auth, { email: contested, currentPassword: PASSWORD }, meta());
		const token = await tokenOf(contested);
		await signup(app, { email: contested, password: PASSWORD, name: 'Quicker' }, meta());
		const refused = await confirmEmailChange(app, token, meta()).catch((e) => e);
		expect([refused.code, refused.message]).toEqual(['conflict', 'An account with this email already exists; the change was not made']);
		expect((await app.db.select().from(users).where(eq(users.id, auth.user.id)))[0]!.email).toBe(email);
		expect(await findPendingEmailChange(app, auth.user.id)).toBeNull();
	});

	it('keeps one pending change per user: a new request, a resend or a cancel kills the earlier link', async () => {
		const { auth } = await signedInUser(app, 'fickle');
		const first = uniqueEmail('first');
		await requestEmailChange(app, auth, { email: first, currentPassword: PASSWORD }, meta());
		const firstToken = await tokenOf(first);

		const second = uniqueEmail('second');
		await requestEmailChange(app, auth, { email: second, currentPassword: PASSWORD }, meta());
		expect(await findPendingEmailChange(app, auth.user.id)).toMatchObject({ email: second });
		await expect(confirmEmailChange(app, firstToken, meta())).rejects.toMatchObject({ code: 'invalid_request' });

		// A resend right away is refused; a minute later it mails a new link and the previous one dies.
		const secondToken = await tokenOf(second);
		await expect(resendEmailChange(app, auth)).rejects.toMatchObject({ code: 'rate_limited' });
		clock.advanceSeconds(61);
		await resendEmailChange(app, auth);
		const resentToken = await tokenOf(second);
		expect(resentToken).not.toBe(secondToken);
		await expect(confirmEmailChange(app, secondToken, meta())).rejects.toMatchObject({ code: 'invalid_request' });

		await cancelEmailChange(app, auth, meta());
		expect(await findPendingEmailChange(app, auth.user.id)).toBeNull();
		await expect(confirmEmailChange(app, resentToken, meta())).rejects.toMatchObject({ code: 'invalid_request' });
		expect((await accountEvents(auth.user.id)).map((e) => e.action)).toContain('user.email_change_cancelled');
		await expect(resendEmailChange(app, auth)).rejects.toMatchObject({ code: 'not_found' });
	});
});
