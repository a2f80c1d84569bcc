import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
	id: uuid('id').primaryKey().defaultRandom(),
	/** Stored lower-cased and trimmed; the unique index is the source of truth for "one account per email". */
	email: text('email').notNull().unique('users_email_unique'),
	name: text('name').notNull(),
	/** The standard `$argon2id$v=19$m=19456,t=2,p=1$...` string. */
	passwordHash: text('password_hash').notNull(),
	isPlatformAdmin: boolean('is_platform_admin').notNull().default(false),
	passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
	/** base64url WebAuthn user handle (random, names nothing), made at the first passkey registration. */
	webauthnUserId: text('webauthn_user_id').unique('users_webauthn_user_id_unique'),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

export type User = typeof users.$inferSelect;

export const passwordResetTokens = pgTable(
	'password_reset_tokens',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** Hex SHA-256 of the token; the token itself is only ever in the e-mail. */
		tokenHash: text('token_hash').notNull().unique('password_reset_tokens_hash_unique'),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		usedAt: timestamp('used_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('password_reset_tokens_user_idx').on(t.userId)]
);
