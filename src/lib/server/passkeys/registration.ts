/**
 * Registering a passkey.
 *
 * Policy:
 * - Only from a session that proved its user within the last 10 minutes (auth/reauth): a stolen
 *   session cookie alone cannot plant a passkey. The check is made when the options are issued; the
 *   challenge is then bound to this user and this session and lives 5 minutes.
 * - Discoverable credentials (residentKey 'required'), user verification 'preferred', attestation
 *   'none': we trust the user's choice of authenticator and keep no attestation.
 * - The WebAuthn user handle is `users.webauthn_user_id` (32 random bytes, base64url), made at the
 *   first registration by a conditional UPDATE (only while null) and re-read, so two concurrent first
 *   registrations agree on it. It identifies nobody outside this server.
 * - The user's existing passkeys are excluded, so an authenticator is not registered twice. A
 *   credential id already stored (for anyone) is a 409, nothing stored.
 * - Stored: credential id, COSE public key (base64url), counter, transports, device type, backed-up
 *   flag, user handle, name. The audit row names the passkey, never key material.
 */
import { randomBytes } from 'node:crypto';
import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import { requireRecentReauthentication } from '../auth/reauth';
import type { AuthState, RequestMeta } from '../auth/types';
import type { DbOrTx } from '../db/client';
import { isUniqueViolation } from '../db/pg-errors';
import { passkeys, users } from '../db/schema';
import { AppError } from '../errors';
import { clientDataOf, redeemChallenge, storeChallenge } from './challenges';
import { toPasskeyView, type PasskeyView } from './manage';
import { CEREMONY_TIMEOUT_MS, RP_NAME, relyingPartyOf } from './relying-party';
import type { RegisterPasskeyInput } from './schemas';

/** The user's WebAuthn user handle, made on first use; every caller sees the same one. */
export async function webauthnUserIdFor(db: DbOrTx, userId: string): Promise<string> {
	await db
		.update(users)
		.set({ webauthnUserId: randomBytes(32).toString('base64url') })
		.where(and(eq(users.id, userId), isNull(users.webauthnUserId)));
	const [row] = await db.select({ handle: users.webauthnUserId }).from(users).where(eq(users.id, userId));
	if (!row?.handle) throw new AppError('unauthorized', 'Sign in again');
	return row.handle;
}

export async function registrationOptions(app: AppContext, auth: AuthState): Promise<PublicKeyCredentialCreationOptionsJSON> {
	requireRecentReauthentication(app, auth);
	const now = app.clock.now();
	const { rpID } = relyingPartyOf(app.config);
	const handle = await webauthnUserIdFor(app.db, auth.user.id);
	const existing = await app.db
		.select({ id: passkeys.credentialId, transports: passkeys.transports })
		.from(passkeys)
		.where(eq(passkeys.userId, auth.user.id));
	const options = await generateRegistrationOptions({
		rpName: RP_NAME,
		rpID,
		userName: auth.user.email,
		userDisplayName: auth.user.name,
		userID: new Uint8Array(Buffer.from(handle, 'base64url')),
		timeout: CEREMONY_TIMEOUT_MS,
		attestationType: 'none',
		excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
		authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' }
	});
	await storeChallenge(app.db, options.challenge, { purpose: 'registration', userId: auth.user.id, sessionId: auth.session.id }, now);
	return options;
}

export const PASSKEY_INVALID_MESSAGE = 'The passkey could not be verified for this site. Try again.';

export async function registerPasskey(app: AppContext, auth: AuthState, input: RegisterPasskeyInput, meta: RequestMeta): Promise<PasskeyView> {
	const now = app.clock.now();
	const expectedChallenge = await redeemChallenge(
		app,
		input.response.response.clientDataJSON,
		{ purpose: 'registration', userId: auth.user.id, sessionId: auth.session.id },
		now
	);
	const { rpID, origin } = relyingPartyOf(app.config, clientDataOf(input.response.response.clientDataJSON).origin);
	let verification;
	try {
		verification = await verifyRegistrationResponse({
			response: input.response,
			expectedChallenge,
			expectedOrigin: origin,
			expectedRPID: rpID,
			requireUserVerification: false
		});
	} catch {
		// The library's messages name what was wrong (origin, RP ID, format); the client gets one plain answer.
		throw new AppError('invalid_request', PASSKEY_INVALID_MESSAGE, { publicCode: 'passkey_invalid' });
	}
	if (!verification.verified) throw new AppError('invalid_request', PASSKEY_INVALID_MESSAGE, { publicCode: 'passkey_invalid' });
	const info = verification.registrationInfo;
	const handle = await webauthnUserIdFor(app.db, auth.user.id);
	try {
		return await app.db.transaction(async (tx) => {
			const [row] = await tx
				.insert(passkeys)
				.values({
					userId: auth.user.id,
					credentialId: info.credential.id,
					publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
					signCount: info.credential.counter,
					transports: info.credential.transports ?? [],
					deviceType: info.credentialDeviceType,
					backedUp: info.credentialBackedUp,
					userHandle: handle,
					name: input.name,
					createdAt: now
				})
				.returning();
			await appendAccountAudit(
				tx,
				{
					actor: { userId: auth.user.id, email: auth.user.email },
					action: 'passkey.registered',
					targetType: 'passkey',
					targetId: row!.id,
					metadata: { name: row!.name, synced: row!.backedUp },
					ipAddress: meta.ipAddress,
					userAgent: meta.userAgent
				},
				now
			);
			return toPasskeyView(row!);
		});
	} catch (err) {
		if (isUniqueViolation(err, 'passkeys_credential_id_unique')) {
			throw new AppError('conflict', 'This passkey is already registered.', { publicCode: 'passkey_exists' });
		}
		throw err;
	}
}
