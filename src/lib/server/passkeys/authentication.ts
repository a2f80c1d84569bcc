/**
 * Proving a user with a passkey: sign-in without a password, the second step of a password sign-in,
 * and re-authentication inside a session.
 *
 * Policy:
 * - Sign-in options name no user (discoverable credentials, empty allowCredentials), so they reveal
 *   nothing about which accounts exist. Second-step and re-authentication options are bound to the
 *   user (and for re-authentication the session) they are for.
 * - Verification: the challenge is redeemed once (challenges.ts); the credential is looked up by id;
 *   the response's user handle must be the one the credential was made for; the signature, origin,
 *   RP ID and user presence are checked by @simplewebauthn/server.
 * - Counter rule (cloned keys): when the stored or the new signature counter is non-zero, the new one
 *   must be greater. Otherwise the sign-in is refused (401) and audited as
 *   `auth.passkey_counter_regression`. The counter moves by a conditional UPDATE, so two concurrent
 *   uses of one counter value cannot both pass. Authenticators without counters (0 and 0) pass.
 * - Sign-in verification is limited per client IP on the 'login' budget, shared with the password.
 *   Unknown credentials and bad signatures are audited as `auth.passkey_failed`; the answer is one
 *   401 "not recognised" for all of them. No key material or challenge is ever written to the log.
 */
import { generateAuthenticationOptions, verifyAuthenticationResponse, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { and, eq, or, sql } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import { markReauthenticated } from '../auth/reauth';
import { startSession, type ApiTokens, type BrowserSignIn, type SessionKind } from '../auth/sign-in';
import type { AuthState, RequestMeta } from '../auth/types';
import { findUserById } from '../auth/users';
import { passkeys, type Passkey } from '../db/schema';
import { AppError } from '../errors';
import { completeMfaSignIn, findLiveMfaChallenge, recordMfaFailure } from '../mfa/challenge';
import { enforceAuthRateLimit, enforceRateLimit } from '../ratelimit/limiter';
import { clientDataOf, redeemChallenge, storeChallenge, type ChallengeBinding } from './challenges';
import { CEREMONY_TIMEOUT_MS, relyingPartyOf } from './relying-party';
import type { AuthenticationResponseInput } from './schemas';

const NOT_RECOGNISED = 'This passkey was not recognised. Use another passkey or sign in with your password.';
const MFA_EXPIRED = 'This sign-in has expired. Start again with your password.';

function notRecognised(status: 'invalid_credentials' | 'invalid_request' = 'invalid_credentials') {
	return new AppError(status, NOT_RECOGNISED, { publicCode: 'passkey_not_recognized' });
}

async function requestOptions(app: AppContext, binding: ChallengeBinding): Promise<PublicKeyCredentialRequestOptionsJSON> {
	const now = app.clock.now();
	const allow = binding.userId
		? await app.db.select({ id: passkeys.credentialId, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, binding.userId))
		: [];
	const options = await generateAuthenticationOptions({
		rpID: relyingPartyOf(app.config).rpID,
		allowCredentials: allow.map((c) => ({ id: c.id, transports: c.transports })),
		userVerification: 'preferred',
		timeout: CEREMONY_TIMEOUT_MS
	});
	await storeChallenge(app.db, options.challenge, binding, now);
	return options;
}

/** Options for the sign-in form, or (with the mfaToken of a password sign-in) for its second step. */
/**
 * Anyone may ask for sign-in options (every view of the sign-in page does, for autofill), and each
 * answer stores a challenge row for 5 minutes; a per-address budget bounds what a client can make the
 * server store: 12 times the sign-in budget (60 a minute by default), far above what a person
 * opening pages reaches.
 */
export const SIGN_IN_OPTIONS_PER_SIGN_IN = 12;

export function signInOptionsPerMinute(app: Pick<AppContext, 'config'>): number {
	return app.config.authRateLimitPerMinute * SIGN_IN_OPTIONS_PER_SIGN_IN;
}

export async function signInOptions(app: AppContext, mfaToken: string | undefined, meta: RequestMeta): Promise<PublicKeyCredentialRequestOptionsJSON> {
	await enforceRateLimit(app, 'passkey_options', meta.ipAddress, signInOptionsPerMinute(app), app.clock.now());
	if (mfaToken === undefined) return requestOptions(app, { purpose: 'authentication', userId: null, sessionId: null });
	const challenge = await findLiveMfaChallenge(app.db, mfaToken, app.clock.now());
	if (!challenge) throw new AppError('unauthorized', MFA_EXPIRED, { publicCode: 'mfa_expired' });
	return requestOptions(app, { purpose: 'authentication', userId: challenge.userId, sessionId: null });
}

export async function reauthenticationOptions(app: AppContext, auth: AuthState): Promise<PublicKeyCredentialRequestOptionsJSON> {
	return requestOptions(app, { purpose: 'reauthentication', userId: auth.user.id, sessionId: auth.session.id });
}

type Asserted = { passkey: Passkey };

/**
 * Redeems the challenge, finds the credential and checks the signature and the counter. Returns the
 * passkey, its counter and flags already updated. Every refusal is audited and thrown.
 */
async function assertPasskey(app: AppContext, response: AuthenticationResponseInput, binding: ChallengeBinding, meta: RequestMeta, now: Date): Promise<Asserted> {
	const expectedChallenge = await redeemChallenge(app, response.response.clientDataJSON, binding, now);
	const [passkey] = await app.db.select().from(passkeys).where(eq(passkeys.credentialId, response.id));
	const fail = async (reason: string, owner: Passkey | undefined) => {
		await appendAccountAudit(
			app.db,
			{
				actor: owner ? await ownerActor(app, owner) : null,
				action: 'auth.passkey_failed',
				targetType: owner ? 'passkey' : null,
				targetId: owner?.id ?? null,
				metadata: owner ? { reason, name: owner.name } : { reason },
				ipAddress: meta.ipAddress,
				userAgent: meta.userAgent
			},
			now
		);
		return notRecognised();
	};
	if (!passkey) throw await fail('unknown_credential', undefined);
	// Someone else's passkey, checked before anything of it is verified or updated: nothing of theirs changes.
	if (binding.userId !== null && passkey.userId !== binding.userId) throw await fail('other_user', undefined);
	if (response.response.userHandle !== undefined ? response.response.userHandle !== passkey.userHandle : binding.userId === null) {
		throw await fail('user_handle_mismatch', passkey);
	}
	const { rpID, origin } = relyingPartyOf(app.config, clientDataOf(response.response.clientDataJSON).origin);
	let info;
	try {
		const verification = await verifyAuthenticationResponse({
			response,
			expectedChallenge,
			expectedOrigin: origin,
			expectedRPID: rpID,
			// The counter rule is applied below, after the signature is known good, so that it can be audited.
			credential: { id: passkey.credentialId, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: 0, transports: passkey.transports },
			requireUserVerification: false
		});
		if (!verification.verified) throw new Error('not verified');
		info = verification.authenticationInfo;
	} catch {
		throw await fail('bad_signature', passkey);
	}
	const newCounter = info.newCounter;
	const [updated] = await app.db
		.update(passkeys)
		.set({ signCount: newCounter, backedUp: info.credentialBackedUp, lastUsedAt: now })
		.where(
			and(
				eq(passkeys.id, passkey.id),
				or(sql`${passkeys.signCount} < ${newCounter}`, and(eq(passkeys.signCount, 0), sql`${newCounter} = 0`))
			)
		)
		.returning();
	if (!updated) {
		await appendAccountAudit(
			app.db,
			{
				actor: await ownerActor(app, passkey),
				action: 'auth.passkey_counter_regression',
				targetType: 'passkey',
				targetId: passkey.id,
				metadata: { name: passkey.name, storedCounter: passkey.signCount, presentedCounter: newCounter },
				ipAddress: meta.ipAddress,
				userAgent: meta.userAgent
			},
			now
		);
		throw notRecognised();
	}
	return { passkey: updated };
}

async function ownerActor(app: AppContext, passkey: Passkey) {
	const user = await findUserById(app.db, passkey.userId);
	return user ? { userId: user.id, email: user.email } : null;
}

/** Sign-in with a passkey alone: the same answer as a password sign-in of that kind. */
export async function signInWithPasskey<K extends SessionKind>(
	app: AppContext,
	response: AuthenticationResponseInput,
	kind: K,
	meta: RequestMeta
): Promise<K extends 'browser' ? BrowserSignIn : ApiTokens> {
	const now = app.clock.now();
	await enforceAuthRateLimit(app, 'login', meta.ipAddress, now);
	const { passkey } = await assertPasskey(app, response, { purpose: 'authentication', userId: null, sessionId: null }, meta, now);
	const user = await findUserById(app.db, passkey.userId);
	if (!user) throw notRecognised();
	return app.db.transaction((tx) => startSession(app, tx, user, kind, 'passkey', meta, now));
}

/** The second step of a password sign-in, answered with a passkey of the same user. */
export async function answerMfaWithPasskey<K extends SessionKind>(
	app: AppContext,
	response: AuthenticationResponseInput,
	mfaToken: string,
	kind: K,
	meta: RequestMeta
): Promise<K extends 'browser' ? BrowserSignIn : ApiTokens> {
	const now = app.clock.now();
	await enforceAuthRateLimit(app, 'login', meta.ipAddress, now);
	const challenge = await findLiveMfaChallenge(app.db, mfaToken, now);
	// A step finishes only the kind of sign-in it was started for: a browser's never yields API tokens, nor the reverse.
	if (!challenge || challenge.sessionKind !== kind) throw new AppError('unauthorized', MFA_EXPIRED, { publicCode: 'mfa_expired' });
	try {
		// The challenge is bound to the mfa challenge's user, and assertPasskey refuses another user's passkey.
		await assertPasskey(app, response, { purpose: 'authentication', userId: challenge.userId, sessionId: null }, meta, now);
	} catch (err) {
		await recordMfaFailure(app.db, challenge.id);
		throw err;
	}
	const signIn = await completeMfaSignIn(app, challenge, 'password_passkey', meta, now);
	if (!signIn) throw new AppError('unauthorized', MFA_EXPIRED, { publicCode: 'mfa_expired' });
	return signIn as K extends 'browser' ? BrowserSignIn : ApiTokens;
}

/** "Confirm it's you" with a passkey: it must be one of the signed-in user's own. */
export async function reauthenticateWithPasskey(app: AppContext, auth: AuthState, response: AuthenticationResponseInput, meta: RequestMeta): Promise<{ reauthenticatedAt: Date }> {
	const now = app.clock.now();
	await enforceAuthRateLimit(app, 'login', meta.ipAddress, now);
	try {
		await assertPasskey(app, response, { purpose: 'reauthentication', userId: auth.user.id, sessionId: auth.session.id }, meta, now);
	} catch (err) {
		// Signed in already: a 401 would read as "your session is gone". A refused passkey is a 400 here.
		if (err instanceof AppError && err.code === 'invalid_credentials') throw notRecognised('invalid_request');
		throw err;
	}
	await markReauthenticated(app.db, auth.session.id, now);
	return { reauthenticatedAt: now };
}
