/**
 * The session registry: one gateway_sessions row per container session, open while ended_at is null.
 *
 * Policy: every gateway process heartbeats its own open rows (last_seen_at, every ~5 s), and the
 * per-user limit counts the user's open rows seen in the last ~15 s, so the limit holds across
 * processes and the rows of a crashed process stop counting by themselves. The count and the insert
 * happen under a transaction-scoped advisory lock on the user, so two processes (or two channels of
 * one connection) racing for the last slot cannot both win.
 *
 * Crash policy: rows of a process that stopped heartbeating SESSION_ABANDONED_AFTER_SECONDS ago are
 * closed by any process's sweep with reason `abandoned`, and each gets its session_ended audit row in
 * the same transaction. The close is one UPDATE ... RETURNING guarded by `ended_at is null`, so when
 * several processes sweep at once each row is returned to exactly one of them: one audit row per
 * session, and none is lost if the sweeper dies mid-way (the transaction rolls back, the row stays open
 * for the next sweep).
 */
import { and, count, eq, gt, inArray, isNull, lt, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Clock } from '../clock';
import type { Database } from '../db/client';
import { gatewaySessions, sessionRecordings, users } from '../db/schema';
import { appendOrgAudit } from '../audit/append';
import { sessionEndedRow } from './audit';
import type { EndReason, NewSession, OpenResult, RecordedKind, SessionStore, SessionTotals } from './types';

/** Three missed heartbeats (HEARTBEAT_INTERVAL_SECONDS): the row no longer counts against the limit. */
export const SESSION_STALE_AFTER_SECONDS = 15;
/** Rows of a process that stopped heartbeating this long ago are closed with reason `abandoned`. */
export const SESSION_ABANDONED_AFTER_SECONDS = 120;

/** The rows that count against the user's limit: open, and still heartbeated by a live process. */
function openRowsOf(userId: string | AnyColumn, now: Date): SQL {
	const freshSince = new Date(now.getTime() - SESSION_STALE_AFTER_SECONDS * 1000);
	return and(eq(gatewaySessions.userId, userId), isNull(gatewaySessions.endedAt), gt(gatewaySessions.lastSeenAt, freshSince))!;
}

/** Open sessions of the user across every gateway process (rows a live process still heartbeats). */
export async function countOpenSessions(db: Database, userId: string, now: Date): Promise<number> {
	const [row] = await db.select({ n: count() }).from(gatewaySessions).where(openRowsOf(userId, now));
	return row?.n ?? 0;
}

/** The same count as a scalar subquery, for a lookup that selects a user (`userId` is its column). */
export function openSessionsSql(userId: AnyColumn, now: Date): SQL.Aliased<number> {
	return sql<number>`(select count(*)::int from ${gatewaySessions} where ${openRowsOf(userId, now)})`.mapWith(Number).as('open_sessions');
}

export class SessionRegistry implements SessionStore {
	private readonly openIds = new Set<string>();

	constructor(
		private readonly db: Database,
		private readonly clock: Clock,
		readonly gatewayId: string
	) {}

	countOpen(userId: string): Promise<number> {
		return countOpenSessions(this.db, userId, this.clock.now());
	}

	/** Counts and inserts under the user's lock: refused with the current count when at the limit. */
	async tryOpen(session: NewSession, maxPerUser: number): Promise<OpenResult> {
		const now = this.clock.now();
		const result = await this.db.transaction(async (tx) => {
			await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'gateway-sessions:' + session.userId}))`);
			const [row] = await tx.select({ n: count() }).from(gatewaySessions).where(openRowsOf(session.userId, now));
			const open = row?.n ?? 0;
			if (open >= maxPerUser) return { ok: false as const, open };
			const [inserted] = await tx
				.insert(gatewaySessions)
				.values({ ...session, gatewayId: this.gatewayId, startedAt: now, lastSeenAt: now })
				.returning({ id: gatewaySessions.id });
			return { ok: true as const, id: inserted!.id, startedAt: now };
		});
		if (result.ok) this.openIds.add(result.id);
		return result;
	}

	/** A session refused by the limit still leaves a (closed) row, so the refusal shows in the history. */
	async recordRefused(session: NewSession, endReason: EndReason): Promise<void> {
		const now = this.clock.now();
		await this.db
			.insert(gatewaySessions)
			.values({ ...session, gatewayId: this.gatewayId, startedAt: now, lastSeenAt: now, endedAt: now, endReason });
	}

	/** wasOpen false: the row had been closed already (by a sweep that took this process for dead). */
	async close(id: string, totals: SessionTotals): Promise<{ endedAt: Date; wasOpen: boolean }> {
		const endedAt = this.clock.now();
		this.openIds.delete(id);
		const updated = await this.db
			.update(gatewaySessions)
			.set({ endedAt, lastSeenAt: endedAt, ...totals })
			.where(and(eq(gatewaySessions.id, id), isNull(gatewaySessions.endedAt)))
			.returning({ id: gatewaySessions.id });
		return { endedAt, wasOpen: updated.length > 0 };
	}

	/** Marks this process's open rows as alive. */
	async heartbeat(): Promise<void> {
		const ids = [...this.openIds];
		if (ids.length === 0) return;
		await this.db
			.update(gatewaySessions)
			.set({ lastSeenAt: this.clock.now() })
			.where(and(inArray(gatewaySessions.id, ids), isNull(gatewaySessions.endedAt)));
	}

	/**
	 * Closes rows whose process stopped heartbeating long ago (a crash), each with its session_ended
	 * audit row; run now and then, not every beat. Returns how many this call closed.
	 */
	async sweepAbandoned(): Promise<number> {
		const now = this.clock.now();
		const abandonedBefore = new Date(now.getTime() - SESSION_ABANDONED_AFTER_SECONDS * 1000);
		const endReason: EndReason = 'abandoned';
		return this.db.transaction(async (tx) => {
			// One sweeper at a time: two UPDATEs locking the same rows in different orders could deadlock.
			// The next one then finds the rows closed and returns none of them.
			await tx.execute(sql`select pg_advisory_xact_lock(hashtext('gateway-sessions:sweep'))`);
			const closed = await tx
				.update(gatewaySessions)
				.set({ endedAt: now, endReason })
				.where(and(isNull(gatewaySessions.endedAt), lt(gatewaySessions.lastSeenAt, abandonedBefore)))
				.returning();
			if (closed.length === 0) return 0;
			const ids = closed.map((r) => r.id);
			await tx
				.update(sessionRecordings)
				.set({ endedAt: now })
				.where(and(inArray(sessionRecordings.gatewaySessionId, ids), isNull(sessionRecordings.endedAt)));
			const emails = new Map(
				(await tx.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, [...new Set(closed.map((r) => r.userId))]))).map(
					(u) => [u.id, u.email]
				)
			);
			for (const session of closed) {
				const audit = sessionEndedRow(
					{
						user: { id: session.userId, email: emails.get(session.userId) ?? '' },
						keyFingerprint: session.keyFingerprint,
						clientIp: session.clientIp,
						transport: session.transport,
						clientSoftware: null,
						org: { id: session.orgId },
						instance: { id: session.instanceId, slug: session.instanceSlug }
					},
					{ ...session, kind: session.kind as RecordedKind | null },
					{ exitCode: null, reason: endReason },
					// The last heartbeat is the last moment the session is known to have been alive.
					session.lastSeenAt
				);
				await appendOrgAudit(tx, audit.orgId, audit.entry, now);
			}
			return closed.length;
		});
	}

	get openCount(): number {
		return this.openIds.size;
	}
}
