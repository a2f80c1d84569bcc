/**
 * Verifying the audit log. Policy: a chain is intact only when
 * - its rows are numbered 1, 2, 3 ... with no gap (a deleted row leaves a gap),
 * - each row's prevHash is the stored hash of the row before it (GENESIS_HASH for row 1),
 * - each row's hash equals the hash recomputed from its stored fields (an edited row does not), and
 * - its head in audit_chain_heads names the last row's seq and hash (a cut-off tail does not).
 * This detects tampering by anyone short of recomputing every later hash and the head, which a
 * verifier holding an exported head (or a copy of this report) also catches.
 *
 * Rows are read in keyset-paginated batches inside one REPEATABLE READ, read-only transaction, so a
 * concurrent append cannot make the head and the rows disagree, and memory stays bounded.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client';
import { auditChainHeads, auditLogs, type AuditLog } from '../db/schema';
import { GENESIS_HASH, hashAuditRow, type HashedFields } from './hash';

export type AuditProblemKind =
	| 'sequence_gap'
	| 'prev_hash_mismatch'
	| 'hash_mismatch'
	| 'head_missing'
	| 'head_mismatch'
	| 'tail_truncated';

export type AuditProblem = { chain: string; seq: number | null; kind: AuditProblemKind; message: string };

export type ChainReport = {
	chain: string;
	rowCount: number;
	lastSeq: number | null;
	headSeq: number | null;
	intact: boolean;
	problems: AuditProblem[];
};

export type AuditVerifyReport = { intact: boolean; rowCount: number; chains: ChainReport[]; problems: AuditProblem[] };

export type VerifyOptions = {
	/** Only these chains (an org id, or 'account'); all chains when omitted. */
	chains?: readonly string[];
	batchSize?: number;
};

/**
 * A row already verified, to resume from: only rows after it are read and hashed (chain-status.ts
 * uses this between full checks). Row 0 with GENESIS_HASH is the start of every chain.
 */
export type ChainCheckpoint = { seq: number; hash: string; rowCount: number };

export const CHAIN_START: ChainCheckpoint = { seq: 0, hash: GENESIS_HASH, rowCount: 0 };

const DEFAULT_BATCH_SIZE = 1000;

export async function verifyAuditChains(db: Database, options: VerifyOptions = {}): Promise<AuditVerifyReport> {
	return db.transaction(
		async (tx) => {
			const chains = await listChains(tx, options.chains);
			const reports: ChainReport[] = [];
			for (const chain of chains) {
				const { lastHash: _lastHash, ...report } = await verifyChain(tx, chain, options.batchSize ?? DEFAULT_BATCH_SIZE);
				reports.push(report);
			}
			const problems = reports.flatMap((r) => r.problems);
			return {
				intact: problems.length === 0,
				rowCount: reports.reduce((n, r) => n + r.rowCount, 0),
				chains: reports,
				problems
			};
		},
		{ isolationLevel: 'repeatable read', accessMode: 'read only' }
	);
}

/** One chain, from `from` on (the whole chain by default), in its own consistent snapshot. */
export async function verifyAuditChain(db: Database, chain: string, from: ChainCheckpoint = CHAIN_START, batchSize = DEFAULT_BATCH_SIZE): Promise<ChainReport & { lastHash: string }> {
	return db.transaction((tx) => verifyChain(tx, chain, batchSize, from), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

async function listChains(tx: DbOrTx, only: readonly string[] | undefined): Promise<string[]> {
	if (only) return [...new Set(only)].sort();
	const fromRows = await tx.selectDistinct({ chain: auditLogs.chain }).from(auditLogs);
	const fromHeads = await tx.select({ chain: auditChainHeads.chain }).from(auditChainHeads);
	return [...new Set([...fromRows, ...fromHeads].map((r) => r.chain))].sort();
}

/** Exactly the fields append.ts hashed: the row's id and its own hash are not part of it. */
function hashedFieldsOf(row: AuditLog): HashedFields {
	return {
		chain: row.chain,
		seq: row.seq,
		orgId: row.orgId,
		actorUserId: row.actorUserId,
		actorEmail: row.actorEmail,
		action: row.action,
		targetType: row.targetType,
		targetId: row.targetId,
		metadata: row.metadata,
		ipAddress: row.ipAddress,
		userAgent: row.userAgent,
		createdAt: row.createdAt,
		prevHash: row.prevHash
	};
}

async function verifyChain(tx: DbOrTx, chain: string, batchSize: number, from: ChainCheckpoint = CHAIN_START): Promise<ChainReport & { lastHash: string }> {
	const problems: AuditProblem[] = [];
	const problem = (seq: number | null, kind: AuditProblemKind, message: string) =>
		problems.push({ chain, seq, kind, message });

	let expectedSeq = from.seq + 1;
	let expectedPrevHash = from.hash;
	// The last row seen: the checkpoint's until a later row is read.
	let last: Pick<AuditLog, 'seq' | 'hash'> | undefined = from.seq > 0 ? { seq: from.seq, hash: from.hash } : undefined;
	let rowCount = from.rowCount;
	for (;;) {
		const batch = await tx
			.select()
			.from(auditLogs)
			.where(and(eq(auditLogs.chain, chain), gt(auditLogs.seq, last?.seq ?? 0)))
			.orderBy(asc(auditLogs.seq))
			.limit(batchSize);
		for (const row of batch) {
			rowCount += 1;
			if (row.seq !== expectedSeq) {
				const missing = row.seq - 1 === expectedSeq ? `${expectedSeq}` : `${expectedSeq}-${row.seq - 1}`;
				problem(row.seq, 'sequence_gap', `row(s) ${missing} missing before seq ${row.seq} (deleted?)`);
			} else if (row.prevHash !== expectedPrevHash) {
				problem(row.seq, 'prev_hash_mismatch', `seq ${row.seq} does not link to the row before it`);
			}
			if (hashAuditRow(hashedFieldsOf(row)) !== row.hash) {
				problem(row.seq, 'hash_mismatch', `seq ${row.seq} (${row.action}) was altered: its hash does not match its content`);
			}
			// Continue from what is stored, so one broken link is reported once, not for every later row.
			expectedSeq = row.seq + 1;
			expectedPrevHash = row.hash;
			last = row;
		}
		if (batch.length < batchSize) break;
	}

	const [head] = await tx.select().from(auditChainHeads).where(eq(auditChainHeads.chain, chain));
	if (!head) {
		if (last) problem(null, 'head_missing', `no chain head recorded for ${rowCount} row(s)`);
	} else if (!last || head.lastSeq > last.seq) {
		problem(
			last?.seq ?? null,
			'tail_truncated',
			`chain head records seq ${head.lastSeq} but the last row is ${last ? `seq ${last.seq}` : 'missing'} (rows deleted from the end)`
		);
	} else if (head.lastSeq !== last.seq || head.lastHash !== last.hash) {
		problem(last.seq, 'head_mismatch', `chain head (seq ${head.lastSeq}) does not match the last row (seq ${last.seq})`);
	}

	return {
		chain,
		rowCount,
		lastSeq: last?.seq ?? null,
		lastHash: last?.hash ?? GENESIS_HASH,
		headSeq: head?.lastSeq ?? null,
		intact: problems.length === 0,
		problems
	};
}
