/**
 * The org's Sessions list (recordings.sessions, recordings.session) and its recording files
 * (orgRecordingFile), through the tRPC caller on a real database: newest first, filtered by instance,
 * paged by cursor both ways; another org's sessions are never listed and their recordings are
 * `not found`; view:audit_logs is required. Session rows are written as the gateway writes them
 * (the stock-ssh path is covered by tests/integration/ssh/org-sessions.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewaySessions, sessionRecordings } from '../../../src/lib/server/db/schema';
import { orgRecordingFile } from '../../../src/lib/server/gateway-sessions/org-sessions';
import { createRole } from '../../../src/lib/server/orgs/roles';
import { createTestApp, type TestApp } from '../../helpers/app';
import { acting, callerAs, insertUser, joinOrg, orgWithOwner, type TestUser } from '../../helpers/orgs';

let app: TestApp;
let owner: TestUser;
let orgId: string;
let otherOwner: TestUser;
let otherOrgId: string;
/** Org A's sessions, newest first. */
const mine: string[] = [];
let otherSessionId: string;
let recordedSessionId: string;
const T0 = Date.parse('2026-05-01T09:00:00Z');

type Made = { slug: string; minute: number; recording?: 'full' | 'metadata'; file?: string; exitStatus?: number };

async function session(org: string, user: TestUser, made: Made): Promise<string> {
	const startedAt = new Date(T0 + made.minute * 60_000);
	const instanceId = randomUUID();
	const [row] = await app.db
		.insert(gatewaySessions)
		.values({
			userId: user.id,
			orgId: org,
			instanceId,
			instanceSlug: made.slug,
			keyFingerprint: 'SHA256:test',
			transport: 'ssh',
			clientIp: '203.0.113.7',
			kind: made.recording === 'metadata' ? 'sftp' : 'exec',
			command: made.recording === 'metadata' ? 'sftp' : 'echo hi',
			gatewayId: 'test-gateway',
			startedAt,
			lastSeenAt: startedAt,
			endedAt: new Date(startedAt.getTime() + 65_000),
			bytesIn: 12,
			bytesOut: 3000,
			exitStatus: made.exitStatus ?? 0,
			endReason: 'closed'
		})
		.returning({ id: gatewaySessions.id });
	if (made.recording) {
		await app.db.insert(sessionRecordings).values({
			gatewaySessionId: row!.id,
			orgId: org,
			instanceId,
			userId: user.id,
			mode: made.recording,
			path: made.file ?? null,
			sizeBytes: 42,
			startedAt
		});
	}
	return row!.id;
}

beforeAll(async () => {
	app = await createTestApp();
	({ owner, org: { id: orgId } } = await orgWithOwner(app, 'Sessions A'));
	({ owner: otherOwner, org: { id: otherOrgId } } = await orgWithOwner(app, 'Sessions B'));
	// Org A: five sessions on alpha and two on beta, minutes 0..6; org B: one, newer than all of them.
	for (let minute = 0; minute < 7; minute++) {
		const slug = minute % 3 === 1 ? 'beta' : 'alpha';
		const recording = minute === 5 ? 'full' : minute === 4 ? 'metadata' : undefined;
		const id = await session(orgId, owner, { slug, minute, recording, exitStatus: minute === 6 ? 3 : 0 });
		mine.unshift(id);
	}
	otherSessionId = await session(otherOrgId, otherOwner, { slug: 'alpha', minute: 30, recording: 'full' });
	recordedSessionId = mine[1]!;
});
afterAll(() => app?.close());

describe('recordings.sessions', () => {
	it('lists the org’s sessions newest first with who, totals, exit status and recording, and never another org’s', async () => {
		const page = await callerAs(app, owner).recordings.sessions({ orgId });
		expect(page.items.map((s) => s.id)).toEqual(mine);
		expect(page.items.map((s) => s.id)).not.toContain(otherSessionId);
		expect(page).toMatchObject({ nextCursor: null, prevCursor: null });
		expect(page.items[0]).toMatchObject({ instanceSlug: 'alpha', userEmail: owner.email, transport: 'ssh', bytesIn: 12, bytesOut: 3000, exitStatus: 3, recording: null });
		expect(page.items[1]!.recording).toEqual({ mode: 'full', hasFile: false, includesInput: false, sizeBytes: 42 });
		expect(page.items[2]).toMatchObject({ kind: 'sftp', recording: { mode: 'metadata', hasFile: false } });

		const theirs = await callerAs(app, otherOwner).recordings.sessions({ orgId: otherOrgId });
		expect(theirs.items.map((s) => s.id)).toEqual([otherSessionId]);
	});

	it('filters by instance slug, within the org only', async () => {
		const beta = await callerAs(app, owner).recordings.sessions({ orgId, instance: 'beta' });
		expect(beta.items.map((s) => s.instanceSlug)).toEqual(['beta', 'beta']);
		const alpha = await callerAs(app, owner).recordings.sessions({ orgId, instance: 'alpha' });
		expect(alpha.items).toHaveLength(5);
		expect(alpha.items.map((s) => s.id)).not.toContain(otherSessionId);
		const none = await callerAs(app, owner).recordings.sessions({ orgId, instance: 'gamma' });
		expect(none.items).toEqual([]);
	});

	it('pages older with `cursor` and back newer with `after`, without gaps or repeats', async () => {
		const caller = callerAs(app, owner);
		const first = await caller.recordings.sessions({ orgId, limit: 3 });
		expect(first.items.map((s) => s.id)).toEqual(mine.slice(0, 3));
		expect(first.prevCursor).toBeNull();
		const second = await caller.recordings.sessions({ orgId, limit: 3, cursor: first.nextCursor! });
		expect(second.items.map((s) => s.id)).toEqual(mine.slice(3, 6));
		const third = await caller.recordings.sessions({ orgId, limit: 3, cursor: second.nextCursor! });
		expect(third.items.map((s) => s.id)).toEqual(mine.slice(6));
		expect(third.nextCursor).toBeNull();
		const back = await caller.recordings.sessions({ orgId, limit: 3, after: second.prevCursor! });
		expect(back.items.map((s) => s.id)).toEqual(mine.slice(0, 3));
		expect(back.prevCursor).toBeNull();
	});

	it('refuses bad paging input with a readable message', async () => {
		const caller = callerAs(app, owner);
		await expect(caller.recordings.sessions({ orgId, cursor: 'nope' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
		await expect(caller.recordings.sessions({ orgId, limit: 201 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
	});

	it('needs view:audit_logs: a Developer is refused, an outsider learns nothing, an Auditor reads', async () => {
		const dev = await insertUser(app, 'dev');
		await joinOrg(app, owner, orgId, dev, 'Developer');
		await expect(callerAs(app, dev).recordings.sessions({ orgId })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Permission denied: view:audit_logs' });
		await expect(callerAs(app, dev).recordings.session({ orgId, sessionId: mine[0]! })).rejects.toMatchObject({ code: 'FORBIDDEN' });
		await expect(callerAs(app, otherOwner).recordings.sessions({ orgId })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Organization not found' });
		const auditor = await insertUser(app, 'auditor');
		await createRole(app, acting(owner), orgId, { name: 'Session auditor', permissions: ['view:audit_logs'] });
		await joinOrg(app, owner, orgId, auditor, 'Session auditor');
		expect((await callerAs(app, auditor).recordings.sessions({ orgId })).items).toHaveLength(7);
	});
});

describe('recordings.session', () => {
	it('reads one session of the org, and answers another org’s session like an unknown one', async () => {
		const caller = callerAs(app, owner);
		expect(await caller.recordings.session({ orgId, sessionId: recordedSessionId })).toMatchObject({ id: recordedSessionId, recording: { mode: 'full' } });
		const notFound = { code: 'NOT_FOUND', message: 'Session not found' };
		await expect(caller.recordings.session({ orgId, sessionId: otherSessionId })).rejects.toMatchObject(notFound);
		await expect(caller.recordings.session({ orgId, sessionId: randomUUID() })).rejects.toMatchObject(notFound);
		await expect(caller.recordings.session({ orgId, sessionId: 'not-a-uuid' })).rejects.toMatchObject(notFound);
	});
});

describe('orgRecordingFile', () => {
	it('serves a file under DATA_DIR/recordings as <instance>-<session>.cast, only in its own org', async () => {
		const instanceDir = path.join(app.config.dataDir, 'recordings', randomUUID());
		mkdirSync(instanceDir, { recursive: true });
		const content = '{"version":2,"width":80,"height":24}\n[0.1,"o","hello-file\\r\\n"]\n';
		const sessionId = await session(orgId, owner, { slug: 'alpha', minute: 100, recording: 'full', file: path.join(instanceDir, 'x.cast') });
		writeFileSync(path.join(instanceDir, 'x.cast'), content);

		const file = await orgRecordingFile(app, orgId, sessionId);
		expect(file.filename).toBe(`alpha-${sessionId}.cast`);
		expect(file.sizeBytes).toBe(Buffer.byteLength(content));
		expect(await new Response(file.open()).text()).toBe(content);

		await expect(orgRecordingFile(app, otherOrgId, sessionId)).rejects.toMatchObject({ code: 'not_found', message: 'Recording not found' });
	});

	it('is not found for a metadata-only session, a missing file, or a path outside DATA_DIR/recordings', async () => {
		const outside = path.join(tmpdir(), `outside-${randomUUID()}.cast`);
		writeFileSync(outside, 'secret');
		const cases = [
			await session(orgId, owner, { slug: 'alpha', minute: 101, recording: 'metadata' }),
			await session(orgId, owner, { slug: 'alpha', minute: 102, recording: 'full', file: path.join(app.config.dataDir, 'recordings', 'gone.cast') }),
			await session(orgId, owner, { slug: 'alpha', minute: 103, recording: 'full', file: outside }),
			await session(orgId, owner, { slug: 'alpha', minute: 104, recording: 'full', file: path.join(app.config.dataDir, 'recordings', '..', 'escape.cast') })
		];
		writeFileSync(path.join(app.config.dataDir, 'escape.cast'), 'secret');
		for (const id of cases) await expect(orgRecordingFile(app, orgId, id)).rejects.toMatchObject({ code: 'not_found' });
	});
});
