import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { instances } from './instances';
import { sessions } from './sessions';
import { users } from './users';

/**
 * One-time tickets that open a browser terminal (terminal/tickets.ts). The ticket itself is signed
 * and travels once, in the WebSocket URL; only its SHA-256 is stored, and redeeming it is one
 * conditional UPDATE of usedAt, so a replayed ticket finds the row used. Rows die with the browser
 * session, the user or the instance they are bound to; the maintenance sweep removes old ones.
 */
export const terminalTickets = pgTable(
	'terminal_tickets',
	{
		id: uuid('id').primaryKey(),
		ticketHash: text('ticket_hash').notNull().unique('terminal_tickets_hash_unique'),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instances.id, { onDelete: 'cascade' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		usedAt: timestamp('used_at', { withTimezone: true })
	},
	(t) => [index('terminal_tickets_expires_idx').on(t.expiresAt)]
);
