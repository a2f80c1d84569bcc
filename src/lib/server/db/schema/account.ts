import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

/**
 * A pending change of a user's email address, waiting for the link mailed to the new address. At
 * most one per user (the user id is the key: a new request replaces the old one). Only the SHA-256
 * of the link's token is stored; the row is deleted when the link is used, cancelled or expires.
 */
export const emailChangeRequests = pgTable('email_change_requests', {
	userId: uuid('user_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	/** Lower-cased and trimmed, like users.email. */
	newEmail: text('new_email').notNull(),
	tokenHash: text('token_hash').notNull().unique('email_change_requests_token_hash_unique'),
	expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
	/** The last time a link was mailed (request or resend); resends are spaced by it. */
	lastSentAt: timestamp('last_sent_at', { withTimezone: true }).notNull()
});

export type EmailChangeRequest = typeof emailChangeRequests.$inferSelect;
