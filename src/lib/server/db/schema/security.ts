import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Fixed-window request counters shared by every process through the database. */
export const rateLimitBuckets = pgTable(
	'rate_limit_buckets',
	{
		key: text('key').notNull(),
		windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
		count: integer('count').notNull().default(0)
	},
	(t) => [primaryKey({ name: 'rate_limit_buckets_pk', columns: [t.key, t.windowStart] })]
);

/**
 * Consecutive sign-in failures per (account, client IP). Keying on the pair slows a guesser down
 * without letting a stranger on another address lock the owner out.
 */
export const authFailures = pgTable('auth_failures', {
	key: text('key').primaryKey(),
	failureCount: integer('failure_count').notNull().default(0),
	lastFailureAt: timestamp('last_failure_at', { withTimezone: true }).notNull(),
	blockedUntil: timestamp('blocked_until', { withTimezone: true })
});
