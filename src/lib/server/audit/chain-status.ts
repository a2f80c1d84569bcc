/**
 * "Chain verified · 1,234 events" on the audit page: whether one org's chain is intact, cheap enough
 * for every page load.
 *
 * Policy: a full verification (verify.ts: every row re-hashed, about 20 µs a row) runs on an org's
 * first load in this process and then in the background, at most once per FULL_CHECK_INTERVAL_SECONDS;
 * a page load never waits for one after the first. Every load verifies the rows appended since the
 * last check, resuming from the last verified row's seq and hash, so it costs O(new rows) and the
 * count always matches the log. An edit to an older row is therefore shown at the first load after
 * the next full check, a few minutes at most; `npm run audit:verify` always checks everything. A
 * chain found broken is checked in full on every load until it is whole again. Concurrent loads of
 * one org share one verification.
 */
import type { AppContext } from '../app-context';
import type { Database } from '../db/client';
import { logger } from '../logger';
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
type Deps = Pick<AppContext, 'db' | 'clock'>;

// Per database handle (tests open several), then per org chain.
const cache = new WeakMap<Database, Map<string, Cached>>();
const loads = new WeakMap<Database, Map<string, Promise<ChainStatus>>>();
const fullChecks = new WeakMap<Database, Map<string, Promise<void>>>();

function mapFor<V>(store: WeakMap<Database, Map<string, V>>, db: Database): Map<string, V> {
	let map = store.get(db);
	if (!map) store.set(db, (map = new Map()));
	return map;
}

async function verifyFrom(app: Deps, orgId: string, from: ChainCheckpoint, fullCheckAt: number): Promise<Cached> {
	const now = app.clock.now();
	const report = await verifyAuditChain(app.db, orgId, from);
	const first = report.problems[0];
	return {
		status: { intact: report.intact, rowCount: report.rowCount, brokenAtSeq: first?.seq ?? null, problem: first?.message ?? null, checkedAt: now },
		checkpoint: { seq: report.lastSeq ?? 0, hash: report.lastHash, rowCount: report.rowCount },
		fullCheckAt: from === CHAIN_START ? now.getTime() : fullCheckAt
	};
}

/** The periodic full check, off the page load; what it finds replaces whatever the cache holds. */
function startFullCheck(app: Deps, orgId: string) {
	const running = mapFor(fullChecks, app.db);
	if (running.has(orgId)) return;
	const check = verifyFrom(app, orgId, CHAIN_START, 0)
		.then((result) => void mapFor(cache, app.db).set(orgId, result))
		.catch((err) => logger.error('audit chain check failed', { orgId, error: err instanceof Error ? err.message : typeof err }))
		.finally(() => running.delete(orgId));
	running.set(orgId, check);
}

async function load(app: Deps, orgId: string): Promise<ChainStatus> {
	const orgs = mapFor(cache, app.db);
	const cached = orgs.get(orgId);
	if (!cached || !cached.status.intact) {
		const result = await verifyFrom(app, orgId, CHAIN_START, 0);
		orgs.set(orgId, result);
		return result.status;
	}
	if (app.clock.now().getTime() - cached.fullCheckAt >= FULL_CHECK_INTERVAL_SECONDS * 1000) startFullCheck(app, orgId);
	const result = await verifyFrom(app, orgId, cached.checkpoint, cached.fullCheckAt);
	// A full check that finished meanwhile knows better than this tail check: keep its result.
	if (orgs.get(orgId) === cached) orgs.set(orgId, result);
	return result.status;
}

/** The org's chain status; the caller has already been authorized (view:audit_logs). */
export function orgChainStatus(app: Deps, orgId: string): Promise<ChainStatus> {
	const running = mapFor(loads, app.db);
	const existing = running.get(orgId);
	if (existing) return existing;
	const promise = load(app, orgId).finally(() => running.delete(orgId));
	running.set(orgId, promise);
	return promise;
}

/** Resolves when the org's background full check (if one is running) has finished: for tests and shutdown. */
export async function fullCheckSettled(db: Database, orgId: string): Promise<void> {
	await mapFor(fullChecks, db).get(orgId);
}
