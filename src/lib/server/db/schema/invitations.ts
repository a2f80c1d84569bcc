import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations, roles } from './orgs';
import { users } from './users';

/**
 * An invitation to join an org. Nobody becomes a member without accepting: until then the invitee's
 * account, sign-ins and sessions are invisible to the org. The email may have no account yet (the
 * link leads to sign-up). Only the SHA-256 of the link's token is stored. At most one pending
 * invitation per (org, email); accepted, declined, revoked and expired ones stay as history.
 */
export const orgInvitations = pgTable(
	'org_invitations',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		orgId: uuid('org_id')
			.notNull()
			.references(() => organizations.id, { onDelete: 'cascade' }),
		/** Lower-cased and trimmed, like users.email. */
		email: text('email').notNull(),
		roleId: uuid('role_id')
			.notNull()
			.references(() => roles.id, { onDelete: 'cascade' }),
		invitedByUserId: uuid('invited_by_user_id').references(() => users.id, { onDelete: 'set null' }),
		/** Hex SHA-256 of the token in the mailed link; replaced when the invitation is resent. */
		tokenHash: text('token_hash').notNull().unique('org_invitations_token_hash_unique'),
		status: text('status', { enum: ['pending', 'accepted', 'declined', 'revoked'] })
			.notNull()
			.default('pending'),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		lastSentAt: timestamp('last_sent_at', { withTimezone: true }).notNull(),
		respondedAt: timestamp('responded_at', { withTimezone: true }),
		/** Who accepted (the account that held the invited email at that moment). */
		acceptedByUserId: uuid('accepted_by_user_id').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [
		uniqueIndex('org_invitations_pending_unique').on(t.orgId, t.email).where(sql`${t.status} = 'pending'`),
		index('org_invitations_email_idx').on(t.email),
		index('org_invitations_org_idx').on(t.orgId)
	]
);

export type OrgInvitation = typeof orgInvitations.$inferSelect;
