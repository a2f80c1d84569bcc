/**
 * Sessions cut by a crash: when a gateway process stops heartbeating, the sweep of any other process
 * closes its rows with reason `abandoned` and writes each one's ssh.session_ended audit row, once,
 * even when several processes sweep at the same moment; live rows are left alone. Real database
 * (PostgreSQL with DATABASE_URL, else PGlite) and a manual clock.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLogs, gatewaySessions, sessionRecordings } from '../../../src/lib/server/db/schema';
import { gatewayServices } from '../../../src/lib/server/gateway-sessions/gateway-services';
import { SESSION_ABANDONED_AFTER_SECONDS } from '../../../src/lib/server/gateway-sessions/registry';
import { createTestApp, manualClock, type TestApp } from '../../helpers/app';
import { orgWithOwner, type TestUser } from '../../helpers/orgs';

const clock = manualClock(new Date('2026-03-01T10:00:00Z'));
let app: TestApp;
let owner: TestUser;
let orgId: string;

beforeAll(async () => {
	app = await createTestApp({}, clock);
	const made = await orgWithOwner(app, 'Sweep');
	owner = made.owner;
	orgId = made.org.id;
});
afterAll(() => app?.close());

async function openRow(gatewayId: string, startedAt: Date, lastSeenAt: Date) {
	const instanceId = randomUUID();
	const [row] = await app.db
		.insert(gatewaySessions)
		.values({
			userId: owner.id,
			orgId,
			instanceId,
			instanceSlug: 'swept',
			keyFingerprint: 'SHA256:sweep',
			transport: 'ssh',
			clientIp: '203.0.113.9',
			kind: 'shell',
			command: null,
			gatewayId,
			startedAt,
			lastSeenAt
		})
		.returning();
	await app.db.insert(sessionRecordings).values({ gatewaySessionId: row!.id, orgId, instanceId, userId: owner.id, mode: 'metadata', startedAt });
	return row!;
}

const endedRows = (sessionIds: string[]) =>
	app.db
		.select()
		.from(auditLogs)
		.where(and(eq(auditLogs.orgId, orgId), eq(auditLogs.action, 'ssh.session_ended')))
		.then((rows) => rows.filter((r) => sessionIds.includes(r.metadata.sessionId as string)));

describe('sweeping sessions of a crashed gateway process', () => {
	it('closes each abandoned row once with reason `abandoned` and its session_ended audit row, however many processes sweep', async () => {
		const startedAt = clock.now();
		clock.advanceSeconds(30);
		const lastBeat = clock.now();
		const crashed = [await openRow('crashed-process', startedAt, lastBeat), await openRow('crashed-process', startedAt, lastBeat)];
		clock.advanceSeconds(SESSION_ABANDONED_AFTER_SECONDS + 1);
		const live = await openRow('live-process', clock.now(), clock.now());

		const sweepers = ['a', 'b', 'c', 'd'].map((id) => gatewayServices(app, `sweeper-${id}`).sessions);
		const closedCounts = await Promise.all(sweepers.map((s) => s.sweepAbandoned()));
		expect(closedCounts.reduce((a, b) => a + b, 0)).toBe(2);

		const ids = crashed.map((r) => r.id);
		const rows = await app.db.select().from(gatewaySessions).where(inArray(gatewaySessions.id, [...ids, live.id]));
		for (const row of rows.filter((r) => ids.includes(r.id))) expect(row).toMatchObject({ endedAt: clock.now(), endReason: 'abandoned' });
		expect(rows.find((r) => r.id === live.id)).toMatchObject({ endedAt: null, endReason: null });
		const recordings = await app.db.select().from(sessionRecordings).where(inArray(sessionRecordings.gatewaySessionId, ids));
		for (const rec of recordings) expect(rec.endedAt).toEqual(clock.now());

		const audit = await endedRows(ids);
		expect(audit).toHaveLength(2);
		for (const entry of audit) {
			expect(entry).toMatchObject({ actorUserId: owner.id, actorEmail: owner.email, targetType: 'instance', ipAddress: '203.0.113.9' });
			expect(entry.metadata).toMatchObject({
				instanceSlug: 'swept',
				keyFingerprint: 'SHA256:sweep',
				kind: 'shell',
				reason: 'abandoned',
				exitStatus: null,
				durationSeconds: 30
			});
		}

		// A later sweep finds nothing more to close or audit.
		expect(await sweepers[0]!.sweepAbandoned()).toBe(0);
		expect(await endedRows([...ids, live.id])).toHaveLength(2);
	});

	it('a process that was only slow, not dead, closes its swept row without a second audit row', async () => {
		const registry = gatewayServices(app, 'slow-process').sessions;
		const opened = await registry.tryOpen(
			{ userId: owner.id, orgId, instanceId: randomUUID(), instanceSlug: 'slow', keyFingerprint: null, transport: 'ssh', clientIp: null, kind: 'exec', command: 'true' },
			5
		);
		if (!opened.ok) throw new Error('no slot');
		clock.advanceSeconds(SESSION_ABANDONED_AFTER_SECONDS + 1);
		expect(await gatewayServices(app, 'sweeper').sessions.sweepAbandoned()).toBeGreaterThan(0);
		const closed = await registry.close(opened.id, { bytesIn: 1, bytesOut: 2, exitStatus: 0, endReason: 'closed' });
		expect(closed.wasOpen).toBe(false);
		const [row] = await app.db.select().from(gatewaySessions).where(eq(gatewaySessions.id, opened.id));
		expect(row!.endReason).toBe('abandoned');
	});
});
