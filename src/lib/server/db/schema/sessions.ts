import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

/** How a session signed in: the password alone, the password and a second factor, or a passkey alone. */
export const SIGN_IN_METHODS = ['password', 'password_totp', 'password_recovery_code', 'password_passkey', 'passkey'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

/**
 * One row per signed-in device. Browser sessions are identified by a cookie token, API sessions by
 * a JWT that carries the session id plus an opaque rotating refresh token. Deleting the row ends the
 * session everywhere at once, because every request reads it.
 */
export const sessions = pgTable(
	'sessions',
	{
		/** Public session id (also the first half of the cookie/refresh token). */
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: ['browser', 'api'] }).notNull(),
		/** Hex SHA-256 of the cookie secret (browser sessions). */
		secretHash: text('secret_hash'),
		/**
		 * API sessions: hex SHA-256 of the current refresh secret, then `:` and the previous one's once
		 * rotated (auth/tokens parseRefreshHashes); the previous one is kept to tell a replay from a guess.
		 */
		refreshSecretHash: text('refresh_secret_hash'),
		userAgent: text('user_agent'),
		ipAddress: text('ip_address'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		lastActiveAt: timestamp('last_active_at', { withTimezone: true }).notNull(),
		/** Hard end of the session: absolute lifetime (browser) or refresh-token expiry (API). */
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		/** How this session signed in (the sessions list shows it). */
		authMethod: text('auth_method', { enum: SIGN_IN_METHODS }).notNull().default('password'),
		/**
		 * The last time this session proved its user again (the sign-in itself, a password, a TOTP code
		 * or a passkey); changes of factor need it to be recent (auth/reauth requireRecentReauthentication).
		 */
		reauthenticatedAt: timestamp('reauthenticated_at', { withTimezone: true })
	},
	(t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)]
);

export type Session = typeof sessions.$inferSelect;

export const SESSION_END_REASONS = ['revoked', 'password_changed', 'password_reset', 'account_deleted'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/**
 * Browser sessions that someone ended on purpose (revoked from another device, a password change or
 * reset, the account's deletion), kept only so the browser still holding the cookie can be told why
 * it was signed out. No user id: the row outlives a deleted account and names nobody. The cookie's
 * secret hash is kept so only the holder of that very cookie hears the reason. Deleted by the sweep
 * once the session would have expired anyway.
 */
export const endedSessions = pgTable(
	'ended_sessions',
	{
		/** The ended session's id (the first half of its cookie). */
		id: text('id').primaryKey(),
		/** Hex SHA-256 of the ended session's cookie secret. */
		secretHash: text('secret_hash').notNull(),
		reason: text('reason', { enum: SESSION_END_REASONS }).notNull(),
		endedAt: timestamp('ended_at', { withTimezone: true }).notNull(),
		/** The ended session's own hard end. */
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
	},
	(t) => [index('ended_sessions_expires_idx').on(t.expiresAt)]
);
