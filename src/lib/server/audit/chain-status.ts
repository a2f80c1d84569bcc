/**
 * "Chain verified · 1,234 events" on the audit page: whether one org's chain is intact, cheap enough
 * for every page load.
 *
 * Policy: a full verification (verify.ts: every row re-hashed, O(rows)) runs at most once per
 * FULL_CHECK_INTERVAL_SECONDS per org and process. In between, a load verifies only the rows appended
 * since the last check, resuming from the last verified row's seq and hash, so it costs O(new rows)
 * and the count always matches the log. An edit to an older row is therefore caught by the next full
 * check, at most FULL_CHECK_INTERVAL_SECONDS later; `npm run audit:verify` always checks everything.
 * A chain found broken is checked in full on every load until it is whole again. Concurrent loads of
 * one org share one verification.
 */
import type { AppContext } from '../app-context';
import type { Database } from '../db/client';
import { CHAIN_START, verifyAuditChain, type ChainCheckpoint } from './verify';

export const FULL_CHECK_INTERVAL_SECONDS = 300;

export type ChainStatus = {
	intact: boolean;
	/** Rows in the chain as of this check. */
	rowCount: number;
	/** The first row found broken, when the problem names one. */
	brokenAtSeq: number | null;
	/** The first problem, in words, for the operator. */
	problem: string | null;
	checkedAt: Date;
};

type Cached = { status: ChainStatus; checkpoint: ChainCheckpoint; fullCheckAt: number };

// Per database handle (tests open several), then per org chain.
const cache = new WeakMap<Database, Map<string, Cached>>();
const inFlight = new WeakMap<Database, Map<string, Promise<ChainStatus>>>();

function mapFor<V>(store: WeakMap<Database, Map<string, V>>, db: Database): Map<string, V> {
	let map = store.get(db);
	if (!map) store.set(db, (map = new Map()));
	return map;
}

async function check(app: Pick<AppContext, 'db' | 'clock'>, orgId: string): Promise<ChainStatus> {
	const now = app.clock.now();
	const cached = mapFor(cache, app.db).get(orgId);
	const resume = cached && cached.status.intact && now.getTime() - cached.fullCheckAt < FULL_CHECK_INTERVAL_SECONDS * 1000;
	const from = resume ? cached.checkpoint : CHAIN_START;
	const report = await verifyAuditChain(app.db, orgId, from);
	const first = report.problems[0];
	const status: ChainStatus = {
		intact: report.intact,
		rowCount: report.rowCount,
		brokenAtSeq: first?.seq ?? null,
		problem: first?.message ?? null,
		checkedAt: now
	};
	mapFor(cache, app.db).set(orgId, {
		status,
		checkpoint: { seq: report.lastSeq ?? 0, hash: report.lastHash, rowCount: report.rowCount },
		fullCheckAt: resume ? cached.fullCheckAt : now.getTime()
	});
	return status;
}

/** The org's chain status; the caller has already been authorized (view:audit_logs). */
export function orgChainStatus(app: Pick<AppContext, 'db' | 'clock'>, orgId: string): Promise<ChainStatus> {
	const running = mapFor(inFlight, app.db);
	const existing = running.get(orgId);
	if (existing) return existing;
	const promise = check(app, orgId).finally(() => running.delete(orgId));
	running.set(orgId, promise);
	return promise;
}
