/**
 * The session registry: one gateway_sessions row per container session, open while ended_at is null.
 *
 * Policy: every gateway process heartbeats its own open rows (last_seen_at, every ~5 s), and the
 * per-user limit counts the user's open rows seen in the last ~15 s, so the limit holds across
 * processes and the rows of a crashed process stop counting by themselves. The count and the insert
 * happen under a transaction-scoped advisory lock on the user, so two processes (or two channels of
 * one connection) racing for the last slot cannot both win.
 */
import { and, count, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Clock } from '../../src/lib/server/clock';
import type { Database } from '../../src/lib/server/db/client';
import { gatewaySessions } from '../../src/lib/server/db/schema';
import type { EndReason, RecordedKind, Transport } from './types';

export const HEARTBEAT_INTERVAL_SECONDS = 5;
export const SESSION_STALE_AFTER_SECONDS = 15;
/** Rows of a process that stopped heartbeating this long ago are closed with reason `error`. */
export const SESSION_ABANDONED_AFTER_SECONDS = 120;

export type NewSession = {
	userId: string;
	orgId: string;
	instanceId: string;
	instanceSlug: string;
	keyFingerprint: string | null;
	transport: Transport;
	clientIp: string | null;
	kind: RecordedKind;
	command: string | null;
};

export type SessionTotals = { bytesIn: number; bytesOut: number; exitStatus: number | null; endReason: EndReason };

export type OpenResult = { ok: true; id: string; startedAt: Date } | { ok: false; open: number };

export class SessionRegistry {
	private readonly openIds = new Set<string>();

	constructor(
		private readonly db: Database,
		private readonly clock: Clock,
		readonly gatewayId: string
	) {}

	private freshSince(now: Date): Date {
		return new Date(now.getTime() - SESSION_STALE_AFTER_SECONDS * 1000);
	}

	async countOpen(userId: string): Promise<number> {
		const now = this.clock.now();
		const [row] = await this.db
			.select({ n: count() })
			.from(gatewaySessions)
			.where(and(eq(gatewaySessions.userId, userId), isNull(gatewaySessions.endedAt), gt(gatewaySessions.lastSeenAt, this.freshSince(now))));
		return row?.n ?? 0;
	}

	/** Counts and inserts under the user's lock: refused with the current count when at the limit. */
	async tryOpen(session: NewSession, maxPerUser: number): Promise<OpenResult> {
		const now = this.clock.now();
		const result = await this.db.transaction(async (tx) => {
			await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'gateway-sessions:' + session.userId}))`);
			const [row] = await tx
				.select({ n: count() })
				.from(gatewaySessions)
				.where(
					and(eq(gatewaySessions.userId, session.userId), isNull(gatewaySessions.endedAt), gt(gatewaySessions.lastSeenAt, this.freshSince(now)))
				);
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

	async close(id: string, totals: SessionTotals): Promise<{ endedAt: Date }> {
		const endedAt = this.clock.now();
		this.openIds.delete(id);
		await this.db
			.update(gatewaySessions)
			.set({ endedAt, lastSeenAt: endedAt, ...totals })
			.where(and(eq(gatewaySessions.id, id), isNull(gatewaySessions.endedAt)));
		return { endedAt };
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

	/** Closes rows whose process stopped heartbeating long ago (a crash); run now and then, not every beat. */
	async sweepAbandoned(): Promise<void> {
		const now = this.clock.now();
		await this.db
			.update(gatewaySessions)
			.set({ endedAt: now, endReason: 'error' })
			.where(
				and(
					isNull(gatewaySessions.endedAt),
					lt(gatewaySessions.lastSeenAt, new Date(now.getTime() - SESSION_ABANDONED_AFTER_SECONDS * 1000))
				)
			);
	}

	get openCount(): number {
		return this.openIds.size;
	}
}
