import { bigint, boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One row per gateway session (SSH or browser terminal), open while endedAt is null. Every gateway
 * process heartbeats its open rows; the per-user session limit counts open rows seen recently, so it
 * holds across processes and a crashed process's rows stop counting.
 */
export const gatewaySessions = pgTable(
	'gateway_sessions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id').notNull(),
		orgId: uuid('org_id').notNull(),
		instanceId: uuid('instance_id').notNull(),
		instanceSlug: text('instance_slug').notNull(),
		keyFingerprint: text('key_fingerprint'),
		transport: text('transport', { enum: ['ssh', 'websocket'] }).notNull(),
		clientIp: text('client_ip'),
		/** shell, exec, sftp, scp, rsync, subsystem */
		kind: text('kind'),
		command: text('command'),
		gatewayId: text('gateway_id').notNull(),
		startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
		lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
		endedAt: timestamp('ended_at', { withTimezone: true }),
		bytesIn: bigint('bytes_in', { mode: 'number' }).notNull().default(0),
		bytesOut: bigint('bytes_out', { mode: 'number' }).notNull().default(0),
		exitStatus: integer('exit_status'),
		endReason: text('end_reason')
	},
	(t) => [
		index('gateway_sessions_user_open_idx').on(t.userId, t.endedAt),
		index('gateway_sessions_instance_idx').on(t.instanceId),
		// The org's Sessions page: newest first, paged by (started_at, id) cursors.
		index('gateway_sessions_org_started_idx').on(t.orgId, t.startedAt, t.id)
	]
);

export type GatewaySession = typeof gatewaySessions.$inferSelect;

/** Session recordings (asciicast v2 files under DATA_DIR/recordings), listed per instance. */
export const sessionRecordings = pgTable(
	'session_recordings',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		gatewaySessionId: uuid('gateway_session_id').notNull(),
		orgId: uuid('org_id').notNull(),
		instanceId: uuid('instance_id').notNull(),
		userId: uuid('user_id').notNull(),
		mode: text('mode', { enum: ['metadata', 'full'] }).notNull(),
		includesInput: boolean('includes_input').notNull().default(false),
		path: text('path'),
		sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull().default(0),
		startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
		endedAt: timestamp('ended_at', { withTimezone: true })
	},
	(t) => [index('session_recordings_instance_idx').on(t.instanceId, t.startedAt)]
);

/**
 * One row per authenticated gateway connection, held while it is open (deleted when it closes). Every
 * gateway process heartbeats its rows; the per-user connection cap counts the rows seen recently, so
 * the cap holds across processes and a crashed process's rows stop counting by themselves. History
 * lives in gateway_sessions; these rows exist only to be counted.
 */
export const gatewayConnections = pgTable(
	'gateway_connections',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id').notNull(),
		gatewayId: text('gateway_id').notNull(),
		transport: text('transport', { enum: ['ssh', 'websocket'] }).notNull(),
		clientIp: text('client_ip'),
		openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
		lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull()
	},
	(t) => [index('gateway_connections_user_idx').on(t.userId, t.lastSeenAt)]
);
