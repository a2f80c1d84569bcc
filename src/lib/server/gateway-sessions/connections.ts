/**
 * The connection registry: one gateway_connections row per authenticated gateway connection, counted
 * by the per-user connection cap (SSH_MAX_CONNECTIONS_PER_USER).
 *
 * Policy, the session registry's (registry.ts) applied to connections: every process heartbeats its
 * own rows, and the cap counts a user's rows seen in the last SESSION_STALE_AFTER_SECONDS, so it holds
 * across processes and a crashed process's rows stop counting by themselves (a sweep deletes them
 * later). The count and the insert happen under a transaction-scoped advisory lock on the user, so
 * concurrent handshakes of one user, in one process or several, cannot overshoot the cap. A row is
 * deleted when its connection closes: gateway_sessions keeps the history.
 */
import { and, count, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Clock } from '../clock';
import type { Database, DbOrTx } from '../db/client';
import { gatewayConnections } from '../db/schema';
import { SESSION_ABANDONED_AFTER_SECONDS, SESSION_STALE_AFTER_SECONDS } from './registry';
import type { ConnectionStore, HeldConnection, HoldResult } from './types';

export class ConnectionRegistry implements ConnectionStore {
	private readonly heldIds = new Set<string>();

	constructor(
		private readonly db: Database,
		private readonly clock: Clock,
		readonly gatewayId: string
	) {}

	/** The user's rows seen in the last SESSION_STALE_AFTER_SECONDS. */
	private async countFresh(db: DbOrTx, userId: string, now: Date): Promise<number> {
		const freshSince = new Date(now.getTime() - SESSION_STALE_AFTER_SECONDS * 1000);
		const [row] = await db
			.select({ n: count() })
			.from(gatewayConnections)
			.where(and(eq(gatewayConnections.userId, userId), gt(gatewayConnections.lastSeenAt, freshSince)));
		return row?.n ?? 0;
	}

	async hold(connection: HeldConnection, maxPerUser: number): Promise<HoldResult> {
		const now = this.clock.now();
		const result = await this.db.transaction(async (tx) => {
			await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'gateway-connections:' + connection.userId}))`);
			const held = await this.countFresh(tx, connection.userId, now);
			if (held >= maxPerUser) return { ok: false as const, held };
			const [inserted] = await tx
				.insert(gatewayConnections)
				.values({ ...connection, gatewayId: this.gatewayId, openedAt: now, lastSeenAt: now })
				.returning({ id: gatewayConnections.id });
			return { ok: true as const, id: inserted!.id };
		});
		if (result.ok) this.heldIds.add(result.id);
		return result;
	}

	async release(id: string): Promise<void> {
		this.heldIds.delete(id);
		await this.db.delete(gatewayConnections).where(eq(gatewayConnections.id, id));
	}

	countHeld(userId: string): Promise<number> {
		return this.countFresh(this.db, userId, this.clock.now());
	}

	/** Marks this process's rows as alive. */
	async heartbeat(): Promise<void> {
		const ids = [...this.heldIds];
		if (ids.length === 0) return;
		await this.db.update(gatewayConnections).set({ lastSeenAt: this.clock.now() }).where(inArray(gatewayConnections.id, ids));
	}

	/** Deletes the rows of processes that stopped heartbeating long ago (a crash). */
	async sweepAbandoned(): Promise<number> {
		const before = new Date(this.clock.now().getTime() - SESSION_ABANDONED_AFTER_SECONDS * 1000);
		const gone = await this.db.delete(gatewayConnections).where(lt(gatewayConnections.lastSeenAt, before)).returning({ id: gatewayConnections.id });
		return gone.length;
	}
}
