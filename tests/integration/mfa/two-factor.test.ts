/**
 * TOTP two-factor over the real database with a hand-moved clock: setup, enable, the two-step
 * sign-in, replay and races, recovery codes, the mfaToken's limits, disable, re-authentication, and
 * what the audit log keeps (never a code).
 */
import { eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../../src/lib/server/auth/authenticate';
import { isMfaRequired, loginApi, loginBrowser } from '../../../src/lib/server/auth/service';
import { auditLogs, recoveryCodes, sessions, totpCredentials } from '../../../src/lib/server/db/schema';
import type { MfaRequired } from '../../../src/lib/server/mfa/challenge';
import { reauthenticate } from '../../../src/lib/server/mfa/reauthenticate';
import { verifyMfaSignIn } from '../../../src/lib/server/mfa/sign-in';
import { disableTwoFactor, enableTwoFactor, regenerateRecoveryCodes, startTwoFactorSetup, twoFactorStatus } from '../../../src/lib/server/mfa/two-factor';
import { errorToResponse } from '../../../src/lib/server/http/json';
import { createContextInner } from '../../../src/lib/server/trpc/init';
import { createCaller } from '../../../src/lib/server/trpc/root';
import { manualClock, type TestApp } from '../../helpers/app';
import { meta, PASSWORD, signedInUser, type SignedIn } from '../../helpers/accounts';
import { createIsolatedTestApp } from '../../helpers/orgs';

const clock = manualClock(new Date('2026-07-01T10:00:05Z'));
let app: TestApp;

beforeAll(async () => {
	app = await createIsolatedTestApp();
	app.clock = clock;
});
afterAll(() => app.close());

const codeNow = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) + offsetSeconds });

/** The session as the next request would see it (re-authentication stamps live in the row). */
async function current(user: SignedIn): Promise<SignedIn> {
	const auth = await authenticateRequest(app, { cookieToken: user.cookie, authorization: null });
	if (!auth) throw new Error('session ended');
	return { ...user, auth };
}

type WithTwoFactor = SignedIn & { secret: string; recoveryCodes: string[] };

async function userWithTwoFactor(prefix = 'mfa'): Promise<WithTwoFactor> {
	const user = await signedInUser(app, prefix);
	const { secret } = await startTwoFactorSetup(app, user.auth);
	const { recoveryCodes } = await enableTwoFactor(app, user.auth, { code: await codeNow(secret) }, meta());
	// The code that enabled it is spent: later tests start on the next step.
	clock.advanceSeconds(30);
	return { ...user, secret, recoveryCodes };
}

async function challenge(email: string, kind: 'api' | 'browser' = 'api'): Promise<MfaRequired> {
	const answer = kind === 'api' ? await loginApi(app, { email, password: PASSWORD }, meta()) : await loginBrowser(app, { email, password: PASSWORD }, meta());
	if (!isMfaRequired(answer)) throw new Error('expected mfaRequired');
	return answer;
}

describe('turning 2FA on', () => {
	it('keeps a setup pending (sign-in by password alone) until a code from it is confirmed', async () => {
		const user = await signedInUser(app, 'pending');
		const setup = await startTwoFactorSetup(app, user.auth);
		expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
		expect(setup.otpauthUrl).toContain(`secret=${setup.secret}`);
		expect(setup.qrSvg).toMatch(/^<svg/);
		const [row] = await app.db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.auth.user.id));
		expect(row!.enabledAt).toBeNull();
		// Sealed at rest: neither the secret nor its bytes appear in the stored column.
		expect(row!.secretEncrypted).not.toContain(setup.secret);
		expect(row!.secretEncrypted).toMatch(/^v1:/);
		expect(await twoFactorStatus(app, user.auth)).toEqual({ enabled: false, enabledAt: null, recoveryCodesRemaining: 0 });
		expect(isMfaRequired(await loginApi(app, { email: user.email, password: PASSWORD }, meta()))).toBe(false);

		// A second setup replaces the first: a code of the first one no longer confirms.
		const again = await startTwoFactorSetup(app, user.auth);
		expect(again.secret).not.toBe(setup.secret);
		await expect(enableTwoFactor(app, user.auth, { code: await codeNow(setup.secret) }, meta())).rejects.toMatchObject({ code: 'invalid_request' });
		const wrong = await enableTwoFactor(app, user.auth, { code: '000000' }, meta()).catch((e) => e);
		if ((await codeNow(again.secret)) !== '000000') expect(wrong.message).toMatch(/^code: /);

		const { recoveryCodes: codes } = await enableTwoFactor(app, user.auth, { code: await codeNow(again.secret) }, meta());
		expect(codes).toHaveLength(8);
		for (const c of codes) expect(c).toMatch(/^[a-z0-9]{8}$/);
		const status = await twoFactorStatus(app, user.auth);
		expect(status).toMatchObject({ enabled: true, recoveryCodesRemaining: 8 });
		expect(status.enabledAt).toEqual(clock.now());
		// Stored as Argon2id, never as the codes.
		const stored = await app.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.auth.user.id));
		expect(stored).toHaveLength(8);
		for (const r of stored) {
			expect(r.codeHash).toMatch(/^\$argon2id\$/);
			expect(codes.some((c) => r.codeHash.includes(c))).toBe(false);
		}
		// On: setup again is a conflict, and the password alone no longer signs in.
		await expect(startTwoFactorSetup(app, user.auth)).rejects.toMatchObject({ code: 'conflict' });
		expect(await loginApi(app, { email: user.email, password: PASSWORD }, meta())).toMatchObject({ mfaRequired: true, methods: ['totp', 'recovery_code'] });
		clock.advanceSeconds(30);
	});

	it('needs a proof of the user within 10 minutes (403 reauthentication_required), by password or code', async () => {
		const user = await signedInUser(app, 'sudo');
		clock.advanceSeconds(10 * 60 + 1);
		const stale = await current(user);
		await expect(startTwoFactorSetup(app, stale.auth)).rejects.toMatchObject({ code: 'forbidden', publicCode: 'reauthentication_required' });
		await expect(reauthenticate(app, stale.auth, { password: 'not it 1' }, meta())).rejects.toMatchObject({ code: 'invalid_request', message: 'password: Current password is incorrect' });
		await expect(reauthenticate(app, stale.auth, { code: '123456' }, meta())).rejects.toMatchObject({ code: 'invalid_request' });
		expect(await reauthenticate(app, stale.auth, { password: PASSWORD }, meta())).toEqual({ method: 'password' });
		const confirmed = await current(user);
		const { secret } = await startTwoFactorSetup(app, confirmed.auth);

		clock.advanceSeconds(10 * 60 + 1);
		const staleAgain = await current(user);
		await expect(enableTwoFactor(app, staleAgain.auth, { code: await codeNow(secret) }, meta())).rejects.toMatchObject({ publicCode: 'reauthentication_required' });
		expect((await twoFactorStatus(app, staleAgain.auth)).enabled).toBe(false);
		expect(await reauthenticate(app, staleAgain.auth, { password: PASSWORD }, meta())).toEqual({ method: 'password' });
		const { recoveryCodes: codes } = await enableTwoFactor(app, (await current(user)).auth, { code: await codeNow(secret) }, meta());

		// With 2FA on, a TOTP or a recovery code confirms access too, once.
		clock.advanceSeconds(10 * 60 + 1);
		const code = await codeNow(secret);
		expect(await reauthenticate(app, (await current(user)).auth, { code }, meta())).toEqual({ method: 'totp' });
		await expect(reauthenticate(app, (await current(user)).auth, { code }, meta())).rejects.toMatchObject({ code: 'invalid_request' });
		expect(await reauthenticate(app, (await current(user)).auth, { code: codes[0]! }, meta())).toEqual({ method: 'recovery_code' });
		const [row] = await app.db.select().from(sessions).where(eq(sessions.id, user.auth.session.id));
		expect(row!.reauthenticatedAt).toEqual(clock.now());
		clock.advanceSeconds(30);
	});
});

describe('the API door', () => {
	it('answers 403 {"error": "reauthentication_required"} through the tRPC caller the REST facade uses', async () => {
		const user = await signedInUser(app, 'api403');
		clock.advanceSeconds(10 * 60 + 1);
		const caller = createCaller(createContextInner({ app, auth: (await current(user)).auth, request: meta() }));
		for (const call of [() => caller.twoFactor.setup(), () => caller.twoFactor.enable({ code: '123456' }), () => caller.twoFactor.regenerateRecoveryCodes({ code: '123456' })]) {
			const response = errorToResponse(await call().catch((e) => e));
			expect(response.status).toBe(403);
			expect(await response.json()).toMatchObject({ error: 'reauthentication_required', message: expect.stringContaining('Confirm it is you') });
		}
		expect(await caller.twoFactor.status()).toEqual({ enabled: false, enabledAt: null, recoveryCodesRemaining: 0 });
		expect(await app.db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.auth.user.id))).toEqual([]);
	});
});

describe('signing in with 2FA', () => {
	it('finishes with a TOTP (API tokens or a browser session, as the challenge was issued) and refuses the same code again', async () => {
		const user = await userWithTwoFactor('signin');
		const code = await codeNow(user.secret);
		const first = await challenge(user.email);
		expect(first.mfaToken).toMatch(/\./);
		const tokens = await verifyMfaSignIn(app, 'api', { mfaToken: first.mfaToken, code }, meta());
		expect(tokens).toMatchObject({ user: { email: user.email }, expiresIn: 3600 });
		const [session] = await app.db.select().from(sessions).where(eq(sessions.id, tokens.refreshToken.split('.')[0]!));
		expect(session!.authMethod).toBe('password_totp');

		// The token is single use, and the code is spent for any other sign-in too.
		await expect(verifyMfaSignIn(app, 'api', { mfaToken: first.mfaToken, code }, meta())).rejects.toMatchObject({ publicCode: 'mfa_token_invalid', code: 'unauthorized' });
		const second = await challenge(user.email);
		await expect(verifyMfaSignIn(app, 'api', { mfaToken: second.mfaToken, code }, meta())).rejects.toMatchObject({ publicCode: 'invalid_code' });

		// A browser challenge is not finished by the API door, and the other way round.
		const browser = await challenge(user.email, 'browser');
		await expect(verifyMfaSignIn(app, 'api', { mfaToken: browser.mfaToken, code: '123456' }, meta())).rejects.toMatchObject({ publicCode: 'mfa_token_invalid' });
		clock.advanceSeconds(30);
		const signedIn = await verifyMfaSignIn(app, 'browser', { mfaToken: browser.mfaToken, code: await codeNow(user.secret) }, meta());
		expect(await authenticateRequest(app, { cookieToken: signedIn.sessionToken, authorization: null })).toMatchObject({ user: { email: user.email } });
		clock.advanceSeconds(30);
	});

	it('lets exactly one of two concurrent verifications of one code through', async () => {
		const user = await userWithTwoFactor('race');
		const [a, b] = [await challenge(user.email), await challenge(user.email)];
		const code = await codeNow(user.secret);
		const results = await Promise.allSettled([
			verifyMfaSignIn(app, 'api', { mfaToken: a.mfaToken, code }, meta()),
			verifyMfaSignIn(app, 'api', { mfaToken: b.mfaToken, code }, meta())
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		expect(refused.reason).toMatchObject({ publicCode: 'invalid_code' });
		clock.advanceSeconds(30);
	});

	it('takes each recovery code once (also under a race), in any case and with hyphens, then never again', async () => {
		const user = await userWithTwoFactor('recovery');
		const [code] = user.recoveryCodes;
		const typed = `${code!.slice(0, 4).toUpperCase()}-${code!.slice(4)}`;
		const [a, b] = [await challenge(user.email), await challenge(user.email)];
		const results = await Promise.allSettled([
			verifyMfaSignIn(app, 'api', { mfaToken: a.mfaToken, code: code! }, meta()),
			verifyMfaSignIn(app, 'api', { mfaToken: b.mfaToken, code: code! }, meta())
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		expect((await twoFactorStatus(app, user.auth)).recoveryCodesRemaining).toBe(7);
		const later = await challenge(user.email);
		await expect(verifyMfaSignIn(app, 'api', { mfaToken: later.mfaToken, code: typed.toLowerCase() }, meta())).rejects.toMatchObject({ publicCode: 'invalid_code' });
		clock.advanceSeconds(24 * 3600);
		const muchLater = await challenge(user.email);
		await expect(verifyMfaSignIn(app, 'api', { mfaToken: muchLater.mfaToken, code: code! }, meta())).rejects.toMatchObject({ publicCode: 'invalid_code' });
		const tokens = await verifyMfaSignIn(app, 'api', { mfaToken: muchLater.mfaToken, code: user.recoveryCodes[1]!.toUpperCase() }, meta());
		const [session] = await app.db.select().from(sessions).where(eq(sessions.id, tokens.refreshToken.split('.')[0]!));
		expect(session!.authMethod).toBe('password_recovery_code');
		expect((await twoFactorStatus(app, user.auth)).recoveryCodesRemaining).toBe(6);
	});

	it('voids the mfaToken at the fifth wrong code, and after 5 minutes', async () => {
		const user = await userWithTwoFactor('void');
		const { mfaToken } = await challenge(user.email);
		const right = await codeNow(user.secret);
		const wrong = right === '111111' ? '222222' : '111111';
		for (const left of ['4 tries', '3 tries', '2 tries', '1 try']) {
			const err = await verifyMfaSignIn(app, 'api', { mfaToken, code: wrong }, meta()).catch((e) => e);
			expect(err).toMatchObject({ code: 'invalid_credentials', publicCode: 'invalid_code' });
			expect(err.message).toContain(`${left} left`);
		}
		await expect(verifyMfaSignIn(app, 'api', { mfaToken, code: 'zzzzzzzz' }, meta())).rejects.toMatchObject({ publicCode: 'mfa_attempts_exceeded' });
		await expect(verifyMfaSignIn(app, 'api', { mfaToken, code: right }, meta())).rejects.toMatchObject({ publicCode: 'mfa_token_invalid' });

		const late = await challenge(user.email);
		clock.advanceSeconds(5 * 60 + 1);
		await expect(verifyMfaSignIn(app, 'api', { mfaToken: late.mfaToken, code: await codeNow(user.secret) }, meta())).rejects.toMatchObject({ publicCode: 'mfa_token_invalid' });
		await expect(verifyMfaSignIn(app, 'api', { mfaToken: 'not.a-token', code: '123456' }, meta())).rejects.toMatchObject({ publicCode: 'mfa_token_invalid' });
		clock.advanceSeconds(30);
	});

	it('counts every verification against 5 a minute per client address', async () => {
		const user = await userWithTwoFactor('limit');
		const ip = meta();
		const { mfaToken } = await challenge(user.email);
		for (let i = 0; i < 5; i++) await verifyMfaSignIn(app, 'api', { mfaToken: 'x.y', code: '123456' }, ip).catch(() => undefined);
		await expect(verifyMfaSignIn(app, 'api', { mfaToken, code: await codeNow(user.secret) }, ip)).rejects.toMatchObject({ code: 'rate_limited' });
		// Another address still can.
		await expect(verifyMfaSignIn(app, 'api', { mfaToken, code: await codeNow(user.secret) }, meta())).resolves.toMatchObject({ user: { email: user.email } });
		clock.advanceSeconds(30);
	});
});

describe('turning 2FA off and new recovery codes', () => {
	it('turns off only with the password and a code; codes and secret go', async () => {
		const user = await userWithTwoFactor('disable');
		const auth = (await current(user)).auth;
		const code = await codeNow(user.secret);
		await expect(disableTwoFactor(app, auth, { password: 'wrong one 1', code }, meta())).rejects.toMatchObject({ message: 'password: Current password is incorrect' });
		const wrong = code === '111111' ? '222222' : '111111';
		await expect(disableTwoFactor(app, auth, { password: PASSWORD, code: wrong }, meta())).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/^code: /) });
		expect((await twoFactorStatus(app, auth)).enabled).toBe(true);

		await disableTwoFactor(app, auth, { password: PASSWORD, code }, meta());
		expect(await twoFactorStatus(app, auth)).toEqual({ enabled: false, enabledAt: null, recoveryCodesRemaining: 0 });
		expect(await app.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, auth.user.id))).toEqual([]);
		expect(await app.db.select().from(totpCredentials).where(eq(totpCredentials.userId, auth.user.id))).toEqual([]);
		expect(isMfaRequired(await loginApi(app, { email: user.email, password: PASSWORD }, meta()))).toBe(false);
		await expect(disableTwoFactor(app, auth, { password: PASSWORD, code }, meta())).rejects.toMatchObject({ code: 'conflict' });
	});

	it('turns off with a recovery code instead of a TOTP', async () => {
		const user = await userWithTwoFactor('disable-rc');
		await disableTwoFactor(app, (await current(user)).auth, { password: PASSWORD, code: user.recoveryCodes[3]! }, meta());
		expect((await twoFactorStatus(app, user.auth)).enabled).toBe(false);
	});

	it('replaces the whole set of recovery codes with a current TOTP; the old ones stop working', async () => {
		const user = await userWithTwoFactor('regen');
		const auth = (await current(user)).auth;
		await expect(regenerateRecoveryCodes(app, auth, { code: '000000' }, meta()).catch((e) => e.code)).resolves.toBe('invalid_request');
		const { recoveryCodes: fresh } = await regenerateRecoveryCodes(app, auth, { code: await codeNow(user.secret) }, meta());
		expect(fresh).toHaveLength(8);
		expect(fresh.some((c) => user.recoveryCodes.includes(c))).toBe(false);
		expect((await twoFactorStatus(app, auth)).recoveryCodesRemaining).toBe(8);
		const { mfaToken } = await challenge(user.email);
		await expect(verifyMfaSignIn(app, 'api', { mfaToken, code: user.recoveryCodes[0]! }, meta())).rejects.toMatchObject({ publicCode: 'invalid_code' });
		await expect(verifyMfaSignIn(app, 'api', { mfaToken, code: fresh[0]! }, meta())).resolves.toMatchObject({ user: { email: user.email } });

		clock.advanceSeconds(10 * 60 + 1);
		await expect(regenerateRecoveryCodes(app, (await current(user)).auth, { code: await codeNow(user.secret) }, meta())).rejects.toMatchObject({ publicCode: 'reauthentication_required' });
		clock.advanceSeconds(30);
	});
});

describe('the audit log', () => {
	it('records each 2FA event in the account chain, with no code, secret or token in any row', async () => {
		const user = await signedInUser(app, 'audited');
		const { secret } = await startTwoFactorSetup(app, user.auth);
		const enableCode = await codeNow(secret);
		await enableTwoFactor(app, user.auth, { code: '999999' === enableCode ? '888888' : '999999' }, meta()).catch(() => undefined);
		const { recoveryCodes: codes } = await enableTwoFactor(app, user.auth, { code: enableCode }, meta());
		clock.advanceSeconds(30);
		const { mfaToken } = await challenge(user.email);
		await verifyMfaSignIn(app, 'api', { mfaToken, code: 'aaaa1111' }, meta()).catch(() => undefined);
		await verifyMfaSignIn(app, 'api', { mfaToken, code: codes[0]! }, meta());
		const regenCode = await codeNow(secret);
		const fresh = await regenerateRecoveryCodes(app, (await current(user)).auth, { code: regenCode }, meta());
		clock.advanceSeconds(30);
		await reauthenticate(app, (await current(user)).auth, { password: PASSWORD }, meta());
		const disableCode = await codeNow(secret);
		await disableTwoFactor(app, (await current(user)).auth, { password: PASSWORD, code: disableCode }, meta());

		const rows = await app.db.select().from(auditLogs).where(eq(auditLogs.actorUserId, user.auth.user.id));
		const actions = rows.map((r) => r.action);
		for (const action of ['two_factor.enabled', 'two_factor.totp_failed', 'two_factor.recovery_code_failed', 'two_factor.recovery_code_used', 'two_factor.recovery_codes_regenerated', 'auth.reauthenticated', 'two_factor.disabled']) {
			expect(actions).toContain(action);
		}
		for (const r of rows) expect(r.orgId).toBeNull();
		expect(rows.find((r) => r.action === 'two_factor.recovery_code_used')!.metadata).toEqual({ purpose: 'sign_in', remaining: 7 });
		const everything = JSON.stringify(rows);
		for (const secretThing of [secret, enableCode, regenCode, disableCode, mfaToken, mfaToken.split('.')[1]!, ...codes, ...fresh.recoveryCodes]) {
			expect(everything).not.toContain(secretThing);
		}
	});
});
