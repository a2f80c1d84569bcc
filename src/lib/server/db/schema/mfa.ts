import { bigint, boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sessions } from './sessions';
import { users } from './users';

/**
 * A user's TOTP (RFC 6238) secret. A row without enabledAt is a setup waiting for its first code;
 * 2FA is on exactly when enabledAt is set. lastUsedStep is the time step of the last accepted code,
 * advanced only forwards by a conditional UPDATE so one code can never be accepted twice.
 */
export const totpCredentials = pgTable('totp_credentials', {
	userId: uuid('user_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	/** The 20-byte secret sealed with servers/secret-box, bound to `totp_credentials.secret:<userId>`. */
	secretEncrypted: text('secret_encrypted').notNull(),
	enabledAt: timestamp('enabled_at', { withTimezone: true }),
	lastUsedStep: bigint('last_used_step', { mode: 'number' }),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull()
});

/** One-time recovery codes, stored only as Argon2id hashes; a used code keeps its row with usedAt. */
export const recoveryCodes = pgTable(
	'recovery_codes',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		codeHash: text('code_hash').notNull(),
		usedAt: timestamp('used_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull()
	},
	(t) => [index('recovery_codes_user_idx').on(t.userId)]
);

/**
 * The second step of a sign-in: issued after a correct password when the account has 2FA, redeemed
 * once by a TOTP, a recovery code or a passkey. The token is `<id>.<secret>`; only the SHA-256 of the
 * secret is stored.
 */
export const mfaChallenges = pgTable(
	'mfa_challenges',
	{
		id: text('id').primaryKey(),
		secretHash: text('secret_hash').notNull(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** What the finished sign-in creates: a browser cookie session or API tokens. */
		sessionKind: text('session_kind', { enum: ['browser', 'api'] }).notNull(),
		failedAttempts: integer('failed_attempts').notNull().default(0),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		consumedAt: timestamp('consumed_at', { withTimezone: true })
	},
	(t) => [index('mfa_challenges_expires_idx').on(t.expiresAt)]
);

/** WebAuthn credentials (passkeys), as @simplewebauthn/server reports them at registration. */
export const passkeys = pgTable(
	'passkeys',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** base64url credential id, unique across every account. */
		credentialId: text('credential_id').notNull().unique('passkeys_credential_id_unique'),
		/** base64url COSE public key. */
		publicKey: text('public_key').notNull(),
		signCount: bigint('sign_count', { mode: 'number' }).notNull(),
		transports: text('transports').array().notNull().default([]),
		/** 'singleDevice' or 'multiDevice' (synced). */
		deviceType: text('device_type').notNull(),
		backedUp: boolean('backed_up').notNull(),
		/** base64url WebAuthn user handle the credential was made for (users.webauthn_user_id). */
		userHandle: text('user_handle').notNull(),
		name: text('name').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true })
	},
	(t) => [index('passkeys_user_idx').on(t.userId)]
);

/**
 * WebAuthn challenges waiting for their answer: single-use (deleted when redeemed), 5 minutes.
 * Registration and re-authentication challenges belong to a user and a session; sign-in ones to
 * nobody yet (discoverable credentials), or to the sign-in's mfa challenge.
 */
export const webauthnChallenges = pgTable(
	'webauthn_challenges',
	{
		/** Hex SHA-256 of the base64url challenge. */
		challengeHash: text('challenge_hash').primaryKey(),
		purpose: text('purpose', { enum: ['registration', 'authentication', 'reauthentication'] }).notNull(),
		userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
		sessionId: text('session_id').references(() => sessions.id, { onDelete: 'cascade' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
	},
	(t) => [index('webauthn_challenges_expires_idx').on(t.expiresAt)]
);

export type TotpCredential = typeof totpCredentials.$inferSelect;
export type Passkey = typeof passkeys.$inferSelect;
