import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only, hash-chained. `chain` is the org id, or 'account' for events not tied to an org.
 * Actor identity is a snapshot (no foreign key) so a removed member's actions keep their identity.
 * A trigger (see drizzle/) refuses UPDATE and DELETE on this table.
 */
export const auditLogs = pgTable(
	'audit_logs',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		chain: text('chain').notNull(),
		seq: bigint('seq', { mode: 'number' }).notNull(),
		orgId: uuid('org_id'),
		actorUserId: uuid('actor_user_id'),
		actorEmail: text('actor_email'),
		action: text('action').notNull(),
		targetType: text('target_type'),
		targetId: text('target_id'),
		metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
		ipAddress: text('ip_address'),
		userAgent: text('user_agent'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		prevHash: text('prev_hash').notNull(),
		hash: text('hash').notNull()
	},
	(t) => [
		unique('audit_logs_chain_seq_unique').on(t.chain, t.seq),
		index('audit_logs_org_created_idx').on(t.orgId, t.createdAt),
		index('audit_logs_actor_idx').on(t.actorUserId)
	]
);

/** Last link of each chain, so truncating the tail of a chain is detected too. */
export const auditChainHeads = pgTable('audit_chain_heads', {
	chain: text('chain').primaryKey(),
	lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
	lastHash: text('last_hash').notNull()
});

export type AuditLog = typeof auditLogs.$inferSelect;
