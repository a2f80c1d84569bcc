import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

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
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
	},
	(t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)]
);

export type Session = typeof sessions.$inferSelect;
