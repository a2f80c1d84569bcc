import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Mail that would have gone out by SMTP when none is configured; readable by platform admins. */
export const mailOutbox = pgTable(
	'mail_outbox',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		toAddress: text('to_address').notNull(),
		subject: text('subject').notNull(),
		body: text('body').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('mail_outbox_created_idx').on(t.createdAt)]
);
