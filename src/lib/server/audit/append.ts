/**
 * Appending to the audit log. Each chain (one per org for org actions, plus 'account' for each
 * user's own account events) is extended under a transaction-scoped advisory lock on the chain
 * name, so concurrent writers in any process never fork it. Rows are never updated or deleted (a database trigger enforces it).
 */
import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { auditChainHeads, auditLogs } from '../db/schema';
import { GENESIS_HASH, hashAuditRow } from './hash';

export const ACCOUNT_CHAIN = 'account';

export type AuditActor = { userId: string; email: string } | null;

export type AuditEntry = {
	orgId?: string | null;
	actor: AuditActor;
	action: string;
	targetType?: string | null;
	targetId?: string | null;
	metadata?: Record<string, unknown>;
	ipAddress?: string | null;
	userAgent?: string | null;
};

async function appendToChain(db: DbOrTx, chain: string, entry: AuditEntry, now: Date) {
	// Under a transaction of its own (or the caller's), so the lock, the row and the head move together.
	await db.transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'audit:' + chain}))`);
		const [head] = await tx.select().from(auditChainHeads).where(eq(auditChainHeads.chain, chain));
		const seq = (head?.lastSeq ?? 0) + 1;
		const prevHash = head?.lastHash ?? GENESIS_HASH;
		const fields = {
			chain,
			seq,
			orgId: entry.orgId ?? null,
			actorUserId: entry.actor?.userId ?? null,
			actorEmail: entry.actor?.email ?? null,
			action: entry.action,
			targetType: entry.targetType ?? null,
			targetId: entry.targetId ?? null,
			metadata: entry.metadata ?? {},
			ipAddress: entry.ipAddress ?? null,
			userAgent: entry.userAgent ?? null,
			createdAt: now,
			prevHash
		};
		const hash = hashAuditRow(fields);
		await tx.insert(auditLogs).values({ ...fields, hash });
		await tx
			.insert(auditChainHeads)
			.values({ chain, lastSeq: seq, lastHash: hash })
			.onConflictDoUpdate({ target: auditChainHeads.chain, set: { lastSeq: seq, lastHash: hash } });
	});
}

/** An org event: membership, role, ownership changes and (later) instance and key actions. */
export async function appendOrgAudit(db: DbOrTx, orgId: string, entry: Omit<AuditEntry, 'orgId'>, now: Date) {
	await appendToChain(db, orgId, { ...entry, orgId }, now);
}

/**
 * An account event (sign-in, sign-out, password, sessions, SSH keys), written to the account chain
 * only. It is the user's own business: they read it as their security log (security-log.ts); no org
 * chain ever receives it, so joining an org never shows its admins where and when a member signs in.
 */
export async function appendAccountAudit(db: DbOrTx, entry: Omit<AuditEntry, 'orgId'>, now: Date) {
	await appendToChain(db, ACCOUNT_CHAIN, { ...entry, orgId: null }, now);
}
