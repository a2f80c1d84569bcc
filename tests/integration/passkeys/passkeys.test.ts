/**
 * Passkeys through the tRPC caller on a real database, with real WebAuthn responses from the software
 * authenticator: registration, listing, renaming, deleting, sign-in (alone, as a second step, as
 * re-authentication), and every refusal the policy promises, each with nothing changed.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { authenticateRequest } from '../../../src/lib/server/auth/authenticate';
import { markReauthenticated } from '../../../src/lib/server/auth/reauth';
import { auditLogs, mfaChallenges, passkeys, sessions, users, webauthnChallenges } from '../../../src/lib/server/db/schema';
import { issueMfaChallenge } from '../../../src/lib/server/mfa/challenge';
import { signInOptionsPerMinute } from '../../../src/lib/server/passkeys/authentication';
import { webauthnUserIdFor } from '../../../src/lib/server/passkeys/registration';
import { createCaller } from '../../../src/lib/server/trpc/root';
import { createTestApp, manualClock, uniqueIp, type TestApp } from '../../helpers/app';
import { signedInUser, type SignedIn } from '../../helpers/accounts';
import { SoftAuthenticator } from '../../helpers/soft-authenticator';

const ORIGIN = 'http://localhost:3999';
const clock = manualClock();
let app: TestApp;
beforeAll(async () => {
	app = await createTestApp({ APP_URL: ORIGIN }, clock);
});
afterAll(() => app.close());

const callerAs = (who: SignedIn | null) => createCaller({ app, auth: who?.auth ?? null, request: { ipAddress: uniqueIp(), userAgent: 'vitest' } });

/** The stable code a client sees (REST `error`), and the message. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
	try {
		await p;
	} catch (err) {
		const e = err as { cause?: { publicCode?: string; code?: string }; code?: string; message: string };
		return { code: e.cause?.publicCode ?? e.cause?.code ?? String(e.code), message: e.message };
	}
	throw new Error('expected a refusal');
}

/** A signed-in user whose session re-reads fresh (so reauthenticatedAt follows the clock). */
async function user(prefix = 'pk') {
	const signed = await signedInUser(app, prefix);
	return signed;
}

async function fresh(who: SignedIn): Promise<SignedIn> {
	const auth = await authenticateRequest(app, { cookieToken: who.cookie, authorization: null });
	return { ...who, auth: auth! };
}

async function register(who: SignedIn, authenticator: SoftAuthenticator, name = 'MacBook Touch ID') {
	const options = (await callerAs(who).passkeys.registrationOptions()) as PublicKeyCredentialCreationOptionsJSON;
	const response = authenticator.register(options);
	const view = await callerAs(who).passkeys.register({ response, name });
	return { view, credentialId: response.id };
}

const signInOptions = async (mfaToken?: string) => (await callerAs(null).passkeys.signInOptions({ mfaToken })) as PublicKeyCredentialRequestOptionsJSON;

async function passkeyRow(id: string) {
	const [row] = await app.db.select().from(passkeys).where(eq(passkeys.id, id));
	return row!;
}

async function auditRows(action: string, targetId: string) {
	return app.db.select().from(auditLogs).where(and(eq(auditLogs.action, action), eq(auditLogs.targetId, targetId)));
}

describe('registering a passkey', () => {
	it('stores it with a name and lists it with synced, device type and transports; options exclude existing passkeys', async () => {
		const nina = await user();
		const authenticator = new SoftAuthenticator({ origin: ORIGIN, backedUp: true });
		const options = (await callerAs(nina).passkeys.registrationOptions()) as PublicKeyCredentialCreationOptionsJSON;
		expect(options.rp).toEqual({ name: 'oCore', id: 'localhost' });
		expect(options.attestation).toBe('none');
		expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'preferred' });
		const [stored] = await app.db.select({ handle: users.webauthnUserId }).from(users).where(eq(users.id, nina.auth.user.id));
		expect(options.user.id).toBe(stored!.handle);
		const view = await callerAs(nina).passkeys.register({ response: authenticator.register(options), name: '  MacBook Touch ID  ' });
		expect(view).toMatchObject({ name: 'MacBook Touch ID', synced: true, deviceType: 'multiDevice', transports: ['internal', 'hybrid'], lastUsedAt: null });
		expect(await callerAs(nina).passkeys.list()).toEqual([view]);
		const row = await passkeyRow(view.id);
		expect(row.userHandle).toBe(stored!.handle);
		const [audit] = await auditRows('passkey.registered', view.id);
		expect(audit!.metadata).toEqual({ name: 'MacBook Touch ID', synced: true });

		const again = (await callerAs(nina).passkeys.registrationOptions()) as PublicKeyCredentialCreationOptionsJSON;
		expect(again.user.id).toBe(stored!.handle);
		expect(again.excludeCredentials?.map((c) => c.id)).toEqual([row.credentialId]);
	});

	it('gives one user handle to concurrent first registrations', async () => {
		const nina = await user();
		const handles = await Promise.all([1, 2, 3].map(() => webauthnUserIdFor(app.db, nina.auth.user.id)));
		expect(new Set(handles).size).toBe(1);
		expect(Buffer.from(handles[0]!, 'base64url')).toHaveLength(32);
	});

	it('needs a name, and refuses a session that has not proved its user within 10 minutes', async () => {
		const nina = await user();
		const authenticator = new SoftAuthenticator({ origin: ORIGIN });
		const options = (await callerAs(nina).passkeys.registrationOptions()) as PublicKeyCredentialCreationOptionsJSON;
		const missing = await refusal(callerAs(nina).passkeys.register({ response: authenticator.register(options), name: '   ' }));
		expect(missing.message).toContain('Name is required');

		clock.advanceSeconds(10 * 60 + 1);
		const stale = await fresh(nina);
		expect(await refusal(callerAs(stale).passkeys.registrationOptions())).toMatchObject({ code: 'reauthentication_required' });
		await markReauthenticated(app.db, nina.auth.session.id, clock.now());
		await register(await fresh(nina), authenticator);
		expect(await callerAs(nina).passkeys.list()).toHaveLength(1);
	});

	it('takes each challenge once and only for 5 minutes', async () => {
		const nina = await user();
		const authenticator = new SoftAuthenticator({ origin: ORIGIN });
		const options = (await callerAs(nina).passkeys.registrationOptions()) as PublicKeyCredentialCreationOptionsJSON;
		const response = authenticator.register(options);
		await callerAs(nina).passkeys.register({ response, name: 'First' });
		// The same answer again (a replay): its challenge is gone.
		const replay = await refusal(callerAs(nina).passkeys.register({ response, name: 'Replay' }));
		expect(replay).toMatchObject({ code: 'challenge_expired' });

		const late = (await callerAs(nina).passkeys.registrationOptions()) as PublicKeyCredentialCreationOptionsJSON;
		clock.advanceSeconds(5 * 60 + 1);
		const expired = await refusal(callerAs(nina).passkeys.register({ response: authenticator.register(late), name: 'Late' }));
		expect(expired).toMatchObject({ code: 'challenge_expired' });
		expect((await callerAs(nina).passkeys.list()).map((p) => p.name)).toEqual(['First']);
	});

	it('refuses a response made for another origin or another RP ID, and a challenge issued to another session', async () => {
		const nina = await user();
		const authenticator = new SoftAuthenticator({ origin: ORIGIN });
		for (const overrides of [{ origin: 'https://evil.example' }, { rpID: 'evil.example' }]) {
			const options = (await callerAs(nina).passkeys.registrationOptions()) as PublicKeyCredentialCreationOptionsJSON;
			const refused = await refusal(callerAs(nina).passkeys.register({ response: authenticator.register(options, overrides), name: 'Evil' }));
			expect(refused).toMatchObject({ code: 'passkey_invalid' });
		}
		const other = await user();
		const theirs = (await callerAs(other).passkeys.registrationOptions()) as PublicKeyCredentialCreationOptionsJSON;
		const stolen = await refusal(callerAs(nina).passkeys.register({ response: authenticator.register(theirs), name: 'Stolen' }));
		expect(stolen).toMatchObject({ code: 'challenge_expired' });
		expect(await callerAs(nina).passkeys.list()).toEqual([]);
		expect(await callerAs(other).passkeys.list()).toEqual([]);
	});

	it('answers 409 for a credential already registered, by anyone', async () => {
		const [nina, omar] = [await user(), await user()];
		const credentialId = Buffer.alloc(32, 7);
		const first = (await callerAs(nina).passkeys.registrationOptions()) as PublicKeyCredentialCreationOptionsJSON;
		await callerAs(nina).passkeys.register({ response: new SoftAuthenticator({ origin: ORIGIN }).register(first, { credentialId }), name: 'Mine' });
		const second = (await callerAs(omar).passkeys.registrationOptions()) as PublicKeyCredentialCreationOptionsJSON;
		const conflict = await refusal(callerAs(omar).passkeys.register({ response: new SoftAuthenticator({ origin: ORIGIN }).register(second, { credentialId }), name: 'Copy' }));
		expect(conflict).toMatchObject({ code: 'passkey_exists' });
		expect(await callerAs(omar).passkeys.list()).toEqual([]);
	});
});

describe('renaming and deleting', () => {
	it('renames and deletes one of your own; another user\'s passkey is not found and stays as it was', async () => {
		const [nina, omar] = [await user(), await user()];
		const { view } = await register(nina, new SoftAuthenticator({ origin: ORIGIN }), 'YubiKey');
		expect(await refusal(callerAs(omar).passkeys.rename({ id: view.id, name: 'Mine now' }))).toMatchObject({ code: 'not_found' });
		expect(await refusal(callerAs(omar).passkeys.delete({ id: view.id }))).toMatchObject({ code: 'not_found' });
		expect(await refusal(callerAs(omar).passkeys.delete({ id: 'not-a-uuid' }))).toMatchObject({ code: 'not_found' });
		expect((await passkeyRow(view.id)).name).toBe('YubiKey');

		expect(await callerAs(nina).passkeys.rename({ id: view.id, name: 'Work YubiKey' })).toMatchObject({ name: 'Work YubiKey' });
		expect((await auditRows('passkey.renamed', view.id))[0]!.metadata).toEqual({ previousName: 'YubiKey', name: 'Work YubiKey' });
		await callerAs(nina).passkeys.delete({ id: view.id });
		expect(await callerAs(nina).passkeys.list()).toEqual([]);
		expect((await auditRows('passkey.deleted', view.id))[0]!.metadata).toEqual({ name: 'Work YubiKey' });
	});

	it('deleting needs a recent re-authentication', async () => {
		const nina = await user();
		const { view } = await register(nina, new SoftAuthenticator({ origin: ORIGIN }));
		clock.advanceSeconds(11 * 60);
		expect(await refusal(callerAs(await fresh(nina)).passkeys.delete({ id: view.id }))).toMatchObject({ code: 'reauthentication_required' });
		expect(await callerAs(nina).passkeys.list()).toHaveLength(1);
	});
});

describe('signing in with a passkey', () => {
	it('starts a session recorded as a passkey sign-in and answers what the password login answers', async () => {
		const nina = await user();
		const authenticator = new SoftAuthenticator({ origin: ORIGIN });
		const { view } = await register(nina, authenticator);
		const options = await signInOptions();
		expect(options.allowCredentials).toEqual([]);
		expect(options.rpId).toBe('localhost');
		const tokens = await callerAs(null).passkeys.signIn({ response: authenticator.authenticate(options) });
		expect(Object.keys(tokens).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'user']);
		expect(tokens.user.email).toBe(nina.email);
		const [session] = await app.db.select().from(sessions).where(and(eq(sessions.userId, nina.auth.user.id), eq(sessions.authMethod, 'passkey')));
		expect(session).toBeDefined();
		const row = await passkeyRow(view.id);
		expect(row.signCount).toBe(2);
		expect(row.lastUsedAt?.getTime()).toBe(clock.now().getTime());
	});

	it('refuses a counter that went backwards, audits it as a possible copy, and keeps the stored counter', async () => {
		const nina = await user();
		const authenticator = new SoftAuthenticator({ origin: ORIGIN });
		const { view } = await register(nina, authenticator);
		await callerAs(null).passkeys.signIn({ response: authenticator.authenticate(await signInOptions(), { counter: 5 }) });
		for (const counter of [5, 3]) {
			const refused = await refusal(callerAs(null).passkeys.signIn({ response: authenticator.authenticate(await signInOptions(), { counter }) }));
			expect(refused).toMatchObject({ code: 'passkey_not_recognized' });
		}
		expect((await passkeyRow(view.id)).signCount).toBe(5);
		const audits = await auditRows('auth.passkey_counter_regression', view.id);
		expect(audits.map((a) => a.metadata)).toEqual([
			{ name: 'MacBook Touch ID', storedCounter: 5, presentedCounter: 5 },
			{ name: 'MacBook Touch ID', storedCounter: 5, presentedCounter: 3 }
		]);
		expect(audits[0]!.actorUserId).toBe(nina.auth.user.id);
	});

	it('accepts authenticators without a counter (0 and 0), again and again', async () => {
		const nina = await user();
		const authenticator = new SoftAuthenticator({ origin: ORIGIN, counterStep: 0 });
		const { view } = await register(nina, authenticator);
		for (let i = 0; i < 2; i++) await callerAs(null).passkeys.signIn({ response: authenticator.authenticate(await signInOptions()) });
		expect((await passkeyRow(view.id)).signCount).toBe(0);
	});

	it('refuses an unknown credential, a forged signature, a wrong user handle, another origin or RP ID, a reused or expired challenge', async () => {
		const nina = await user();
		const authenticator = new SoftAuthenticator({ origin: ORIGIN });
		const { view } = await register(nina, authenticator);
		const stranger = new SoftAuthenticator({ origin: ORIGIN });
		stranger.register(await callerAs(nina).passkeys.registrationOptions() as PublicKeyCredentialCreationOptionsJSON);
		const cases: [string, () => Promise<unknown>, string][] = [
			['unknown', async () => stranger.authenticate(await signInOptions()), 'passkey_not_recognized'],
			['forged', async () => {
				const r = authenticator.authenticate(await signInOptions());
				const sig = Buffer.from(r.response.signature, 'base64url');
				sig[sig.length - 1] = sig[sig.length - 1]! ^ 1;
				return { ...r, response: { ...r.response, signature: sig.toString('base64url') } };
			}, 'passkey_not_recognized'],
			['user handle', async () => authenticator.authenticate(await signInOptions(), { userHandle: Buffer.alloc(32).toString('base64url') }), 'passkey_not_recognized'],
			['origin', async () => authenticator.authenticate(await signInOptions(), { origin: 'https://evil.example' }), 'passkey_not_recognized'],
			['rp id', async () => authenticator.authenticate(await signInOptions(), { rpID: 'evil.example' }), 'passkey_not_recognized'],
			['expired', async () => {
				const options = await signInOptions();
				clock.advanceSeconds(5 * 60 + 1);
				return authenticator.authenticate(options);
			}, 'challenge_expired']
		];
		for (const [, make, code] of cases) {
			const response = (await make()) as Parameters<ReturnType<typeof callerAs>['passkeys']['signIn']>[0]['response'];
			expect(await refusal(callerAs(null).passkeys.signIn({ response }))).toMatchObject({ code });
		}
		const good = authenticator.authenticate(await signInOptions());
		await callerAs(null).passkeys.signIn({ response: good });
		expect(await refusal(callerAs(null).passkeys.signIn({ response: good }))).toMatchObject({ code: 'challenge_expired' });
		expect((await auditRows('auth.passkey_failed', view.id)).map((a) => a.metadata.reason).sort()).toEqual(['bad_signature', 'bad_signature', 'bad_signature', 'user_handle_mismatch']);
		const unknown = await app.db.select().from(auditLogs).where(eq(auditLogs.action, 'auth.passkey_failed'));
		expect(unknown.some((a) => a.metadata.reason === 'unknown_credential' && a.actorUserId === null)).toBe(true);
		expect(await app.db.select().from(sessions).where(and(eq(sessions.userId, nina.auth.user.id), eq(sessions.authMethod, 'passkey')))).toHaveLength(1);
	});
});

describe('a passkey as the second step of a password sign-in', () => {
	it('finishes the sign-in of the challenge\'s user; another user\'s passkey counts as a wrong answer and changes nothing of theirs', async () => {
		const [nina, omar] = [await user(), await user()];
		const ninaKey = new SoftAuthenticator({ origin: ORIGIN });
		const omarKey = new SoftAuthenticator({ origin: ORIGIN });
		await register(nina, ninaKey);
		const { view: omarPasskey } = await register(omar, omarKey);
		const { token } = await issueMfaChallenge(app.db, nina.auth.user.id, 'api', clock.now());

		const bound = await signInOptions(token);
		expect(bound.allowCredentials?.map((c) => c.id)).toEqual([...ninaKey.credentials.keys()]);
		const wrong = await refusal(callerAs(null).passkeys.signIn({ response: omarKey.authenticate(await signInOptions(token), { credentialId: [...omarKey.credentials.keys()][0] }), mfaToken: token }));
		expect(wrong).toMatchObject({ code: 'passkey_not_recognized' });
		expect((await passkeyRow(omarPasskey.id)).lastUsedAt).toBeNull();
		const [challenge] = await app.db.select().from(mfaChallenges).where(eq(mfaChallenges.userId, nina.auth.user.id));
		expect(challenge!.failedAttempts).toBe(1);
		// A plain sign-in challenge does not answer a second step.
		const plain = await refusal(callerAs(null).passkeys.signIn({ response: ninaKey.authenticate(await signInOptions()), mfaToken: token }));
		expect(plain).toMatchObject({ code: 'challenge_expired' });

		const tokens = await callerAs(null).passkeys.signIn({ response: ninaKey.authenticate(bound), mfaToken: token });
		expect(tokens).toMatchObject({ user: { email: nina.email } });
		expect(await app.db.select().from(sessions).where(and(eq(sessions.userId, nina.auth.user.id), eq(sessions.authMethod, 'password_passkey')))).toHaveLength(1);
		expect(await refusal(callerAs(null).passkeys.signInOptions({ mfaToken: token }))).toMatchObject({ code: 'mfa_expired' });
	});
});

describe('a passkey answering the second step of a browser sign-in over the API', () => {
	it('is refused: a browser step never yields tokens (nor a browser session token in JSON)', async () => {
		const nina = await user();
		const ninaKey = new SoftAuthenticator({ origin: ORIGIN });
		await register(nina, ninaKey);
		const { token } = await issueMfaChallenge(app.db, nina.auth.user.id, 'browser', clock.now());
		const answer = await refusal(callerAs(null).passkeys.signIn({ response: ninaKey.authenticate(await signInOptions(token)), mfaToken: token }));
		expect(answer).toMatchObject({ code: 'mfa_expired' });
		const [challenge] = await app.db.select().from(mfaChallenges).where(eq(mfaChallenges.userId, nina.auth.user.id));
		expect(challenge!.consumedAt).toBeNull();
		expect(await app.db.select().from(sessions).where(and(eq(sessions.userId, nina.auth.user.id), eq(sessions.authMethod, 'password_passkey')))).toHaveLength(0);
	});
});

describe('re-authenticating with a passkey', () => {
	it('marks the session as re-authenticated with your own passkey, and refuses another user\'s', async () => {
		const [nina, omar] = [await user(), await user()];
		const ninaKey = new SoftAuthenticator({ origin: ORIGIN });
		const omarKey = new SoftAuthenticator({ origin: ORIGIN });
		await register(nina, ninaKey);
		const { view: omarPasskey } = await register(omar, omarKey);
		clock.advanceSeconds(11 * 60);
		const stale = await fresh(nina);
		const options = (await callerAs(stale).passkeys.reauthenticationOptions()) as PublicKeyCredentialRequestOptionsJSON;
		expect(await refusal(callerAs(stale).passkeys.reauthenticate({ response: omarKey.authenticate(options, { credentialId: [...omarKey.credentials.keys()][0] }) }))).toMatchObject({
			code: 'passkey_not_recognized'
		});
		expect((await passkeyRow(omarPasskey.id)).lastUsedAt).toBeNull();
		expect(await refusal(callerAs(stale).passkeys.registrationOptions())).toMatchObject({ code: 'reauthentication_required' });

		const again = (await callerAs(stale).passkeys.reauthenticationOptions()) as PublicKeyCredentialRequestOptionsJSON;
		const { reauthenticatedAt } = await callerAs(stale).passkeys.reauthenticate({ response: ninaKey.authenticate(again) });
		expect(reauthenticatedAt.getTime()).toBe(clock.now().getTime());
		await callerAs(await fresh(nina)).passkeys.registrationOptions();
		const left = await app.db.select().from(webauthnChallenges).where(eq(webauthnChallenges.sessionId, nina.auth.session.id));
		expect(left.map((c) => c.purpose)).toEqual(['registration']);
	});
});

describe('sign-in options', () => {
	it('are limited per address, since each one stores a challenge: one over the budget in a minute is refused', async () => {
		const ip = uniqueIp();
		const anonymous = createCaller({ app, auth: null, request: { ipAddress: ip, userAgent: 'vitest' } });
		for (let i = 0; i < signInOptionsPerMinute(app); i++) await anonymous.passkeys.signInOptions({});
		const refused = await refusal(anonymous.passkeys.signInOptions({}));
		expect(refused).toMatchObject({ code: 'rate_limited' });
		// Another address is not affected.
		await expect(callerAs(null).passkeys.signInOptions({})).resolves.toHaveProperty('challenge');
	});
});
