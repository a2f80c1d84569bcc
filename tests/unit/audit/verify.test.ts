/**
 * The audit chain and its verifier, on a database of its own (tampering here must never reach a
 * database other tests verify). Tampering is done as a superuser would: the append-only trigger is
 * disabled and re-enabled inside one transaction, so no other session ever sees it disabled.
 */
import { randomUUID } from 'node:crypto';
import { asc, eq, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendOrgAudit } from '../../../src/lib/server/audit/append';
import { GENESIS_HASH } from '../../../src/lib/server/audit/hash';
import { verifyAuditChains } from '../../../src/lib/server/audit/verify';
import { auditChainHeads, auditLogs } from '../../../src/lib/server/db/schema';
import { createIsolatedTestApp } from '../../helpers/orgs';

let app: Awaited<ReturnType<typeof createIsolatedTestApp>>;
const actor = { userId: randomUUID(), email: 'auditor@example.test' };
const t0 = new Date('2026-03-01T10:00:00Z');

beforeAll(async () => {
	app = await createIsolatedTestApp();
});
afterAll(() => app.close());

/** A fresh chain of `n` rows (a random org id, so each test owns its chain). */
async function chainOf(n: number): Promise<string> {
	const orgId = randomUUID();
	for (let i = 0; i < n; i++) {
		await appendOrgAudit(
			app.db,
			orgId,
			{ actor, action: `test.event_${i + 1}`, metadata: { i: i + 1, note: 'x' }, ipAddress: '10.1.2.3', userAgent: 'vitest' },
			new Date(t0.getTime() + i * 1000)
		);
	}
	return orgId;
}

async function asSuperuser(statement: SQL) {
	await app.db.transaction(async (tx) => {
		await tx.execute(sql`alter table audit_logs disable trigger user`);
		await tx.execute(statement);
		await tx.execute(sql`alter table audit_logs enable trigger user`);
	});
}

const verify = (chain: string) => verifyAuditChains(app.db, { chains: [chain] });

async function errorOf(statement: SQL): Promise<string> {
	const err = await app.db.execute(statement).then(
		() => null,
		(e: unknown) => e
	);
	let current = err as { message?: string; cause?: unknown } | null;
	while (current?.cause) current = current.cause as typeof current;
	return current?.message ?? 'no error';
}

describe('appending', () => {
	it('numbers rows from 1, links each to the previous hash, and keeps the head on the last row', async () => {
		const chain = await chainOf(3);
		const rows = await app.db.select().from(auditLogs).where(eq(auditLogs.chain, chain)).orderBy(asc(auditLogs.seq));
		expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
		expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
		expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
		expect(rows[2]!.prevHash).toBe(rows[1]!.hash);
		expect(rows.every((r) => r.orgId === chain)).toBe(true);
		const [head] = await app.db.select().from(auditChainHeads).where(eq(auditChainHeads.chain, chain));
		expect(head).toEqual({ chain, lastSeq: 3, lastHash: rows[2]!.hash });
		const report = await verify(chain);
		expect(report).toMatchObject({ intact: true, rowCount: 3, problems: [] });
		expect(report.chains).toEqual([{ chain, rowCount: 3, lastSeq: 3, headSeq: 3, intact: true, problems: [] }]);
	});

	it('verifies every chain of the database when no chain is named, small batches included', async () => {
		const a = await chainOf(2);
		const b = await chainOf(5);
		const report = await verifyAuditChains(app.db, { batchSize: 2 });
		expect(report.intact).toBe(true);
		expect(report.chains.map((c) => c.chain)).toEqual(expect.arrayContaining([a, b]));
		expect(report.chains.find((c) => c.chain === b)).toMatchObject({ rowCount: 5, lastSeq: 5, intact: true });
	});
});

describe('the append-only trigger', () => {
	it('refuses UPDATE, DELETE and TRUNCATE, leaving the chain intact', async () => {
		const chain = await chainOf(2);
		expect(await errorOf(sql`update audit_logs set action = 'x' where chain = ${chain}`)).toBe(
			'audit_logs is append-only: UPDATE refused'
		);
		expect(await errorOf(sql`delete from audit_logs where chain = ${chain}`)).toBe('audit_logs is append-only: DELETE refused');
		expect(await errorOf(sql`truncate audit_logs`)).toBe('audit_logs is append-only: TRUNCATE refused');
		expect((await verify(chain)).intact).toBe(true);
	});

	it('still lets rows be appended (it refuses changes, not inserts)', async () => {
		const chain = await chainOf(1);
		await appendOrgAudit(app.db, chain, { actor, action: 'test.after' }, t0);
		expect((await verify(chain)).chains[0]).toMatchObject({ rowCount: 2, intact: true });
	});
});

describe('verifying a tampered chain', () => {
	it('detects an edited row by its hash, and names its seq', async () => {
		const chain = await chainOf(4);
		await asSuperuser(sql`update audit_logs set actor_email = 'someone-else@example.test' where chain = ${chain} and seq = 2`);
		const report = await verify(chain);
		expect(report.intact).toBe(false);
		expect(report.problems).toEqual([
			{ chain, seq: 2, kind: 'hash_mismatch', message: 'seq 2 (test.event_2) was altered: its hash does not match its content' }
		]);
	});

	it('detects an edited row whose hash was recomputed, by the broken link to the next row', async () => {
		const chain = await chainOf(3);
		await asSuperuser(sql`update audit_logs set hash = ${'a'.repeat(64)} where chain = ${chain} and seq = 2`);
		const kinds = (await verify(chain)).problems.map((p) => [p.seq, p.kind]);
		expect(kinds).toEqual([
			[2, 'hash_mismatch'],
			[3, 'prev_hash_mismatch']
		]);
	});

	it('detects a deleted row in the middle as a gap in the sequence', async () => {
		const chain = await chainOf(5);
		await asSuperuser(sql`delete from audit_logs where chain = ${chain} and seq in (2, 3)`);
		const report = await verify(chain);
		expect(report.problems).toEqual([
			{ chain, seq: 4, kind: 'sequence_gap', message: 'row(s) 2-3 missing before seq 4 (deleted?)' }
		]);
		expect(report.chains[0]).toMatchObject({ rowCount: 3, lastSeq: 5, headSeq: 5, intact: false });
	});

	it('detects a deleted first row', async () => {
		const chain = await chainOf(2);
		await asSuperuser(sql`delete from audit_logs where chain = ${chain} and seq = 1`);
		expect((await verify(chain)).problems).toEqual([
			{ chain, seq: 2, kind: 'sequence_gap', message: 'row(s) 1 missing before seq 2 (deleted?)' }
		]);
	});

	it('detects a truncated tail through the chain head', async () => {
		const chain = await chainOf(4);
		await asSuperuser(sql`delete from audit_logs where chain = ${chain} and seq >= 3`);
		expect((await verify(chain)).problems).toEqual([
			{
				chain,
				seq: 2,
				kind: 'tail_truncated',
				message: 'chain head records seq 4 but the last row is seq 2 (rows deleted from the end)'
			}
		]);
	});

	it('detects a chain whose rows were all deleted, and rows whose head was deleted', async () => {
		const emptied = await chainOf(2);
		await asSuperuser(sql`delete from audit_logs where chain = ${emptied}`);
		expect((await verify(emptied)).problems.map((p) => p.kind)).toEqual(['tail_truncated']);

		const headless = await chainOf(2);
		await app.db.delete(auditChainHeads).where(eq(auditChainHeads.chain, headless));
		expect((await verify(headless)).problems).toEqual([
			{ chain: headless, seq: null, kind: 'head_missing', message: 'no chain head recorded for 2 row(s)' }
		]);
	});

	it('detects a chain head that does not match the last row', async () => {
		const chain = await chainOf(3);
		await app.db.update(auditChainHeads).set({ lastHash: 'b'.repeat(64) }).where(eq(auditChainHeads.chain, chain));
		expect((await verify(chain)).problems.map((p) => p.kind)).toEqual(['head_mismatch']);
	});

	it('keeps other chains intact when one is tampered with', async () => {
		const good = await chainOf(2);
		const bad = await chainOf(2);
		await asSuperuser(sql`update audit_logs set metadata = '{"i":99}'::jsonb where chain = ${bad} and seq = 1`);
		const report = await verifyAuditChains(app.db, { chains: [good, bad] });
		expect(report.intact).toBe(false);
		expect(report.chains.map((c) => [c.chain === good ? 'good' : 'bad', c.intact])).toEqual(
			[good, bad].sort().map((c) => [c === good ? 'good' : 'bad', c === good])
		);
	});
});
