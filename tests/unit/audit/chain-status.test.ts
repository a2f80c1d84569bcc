/**
 * The audit page's chain indicator: the tail verified on each load, the whole chain in the background
 * every few minutes, broken rows named. A database of its own, as in verify.test.ts: tampering here must reach no other test.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendOrgAudit } from '../../../src/lib/server/audit/append';
import { fullCheckSettled, FULL_CHECK_INTERVAL_SECONDS, orgChainStatus } from '../../../src/lib/server/audit/chain-status';
import { manualClock } from '../../helpers/app';
import { createIsolatedTestApp } from '../../helpers/orgs';

let app: Awaited<ReturnType<typeof createIsolatedTestApp>>;
const clock = manualClock(new Date('2026-03-01T10:00:00Z'));
const actor = { userId: randomUUID(), email: 'auditor@example.test' };

beforeAll(async () => {
	app = await createIsolatedTestApp();
});
afterAll(() => app.close());

async function append(orgId: string, n: number) {
	for (let i = 0; i < n; i++) {
		await appendOrgAudit(app.db, orgId, { actor, action: 'member.left', metadata: { i } }, clock.now());
	}
}

async function tamper(orgId: string, seq: number) {
	await app.db.transaction(async (tx) => {
		await tx.execute(sql`alter table audit_logs disable trigger user`);
		await tx.execute(sql`update audit_logs set metadata = '{"i": -1}'::jsonb where chain = ${orgId} and seq = ${seq}`);
		await tx.execute(sql`alter table audit_logs enable trigger user`);
	});
}

const status = (orgId: string) => orgChainStatus({ db: app.db, clock }, orgId);

describe('orgChainStatus', () => {
	it('counts an empty chain as intact', async () => {
		expect(await status(randomUUID())).toMatchObject({ intact: true, rowCount: 0, brokenAtSeq: null });
	});

	it('keeps the count current between full checks, and finds an edited row at the next full check', async () => {
		const orgId = randomUUID();
		await append(orgId, 5);
		expect(await status(orgId)).toMatchObject({ intact: true, rowCount: 5 });

		await append(orgId, 3);
		clock.advanceSeconds(10);
		expect(await status(orgId)).toMatchObject({ intact: true, rowCount: 8 });

		// An edit to a row already verified is not re-read on every load...
		await tamper(orgId, 2);
		clock.advanceSeconds(10);
		expect((await status(orgId)).intact).toBe(true);
		// ...but once FULL_CHECK_INTERVAL_SECONDS have passed, a load starts a full check in the
		// background (that load still answers from the tail), and the next load shows its finding.
		clock.advanceSeconds(FULL_CHECK_INTERVAL_SECONDS);
		expect((await status(orgId)).intact).toBe(true);
		await fullCheckSettled(app.db, orgId);
		const broken = await status(orgId);
		expect(broken).toMatchObject({ intact: false, brokenAtSeq: 2, rowCount: 8 });
		expect(broken.problem).toMatch(/seq 2 .*was altered/);
		// A broken chain stays broken on the next load (it is checked in full every time).
		expect((await status(orgId)).intact).toBe(false);
	});

	it('finds an edit to a row appended since the last check at once', async () => {
		const orgId = randomUUID();
		await append(orgId, 2);
		expect((await status(orgId)).intact).toBe(true);
		await append(orgId, 2);
		await tamper(orgId, 4);
		expect(await status(orgId)).toMatchObject({ intact: false, brokenAtSeq: 4 });
	});

	it('shares one verification between concurrent loads of an org', async () => {
		const orgId = randomUUID();
		await append(orgId, 3);
		const [a, b] = [status(orgId), status(orgId)];
		expect(a).toBe(b);
		expect((await a).rowCount).toBe(3);
	});
});
