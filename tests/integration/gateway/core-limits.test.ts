/**
 * The gateway core's limits and watchers on a real database with the in-memory backend: the per-user
 * limit across two gateway processes (also when they race), heartbeats and crashed processes, the
 * idle timeout, revocation, recording through sessions, and backpressure.
 */
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { gatewayConnections, gatewaySessions, sessionRecordings, sshKeys } from '../../../src/lib/server/db/schema';
import { changeMemberRole, removeMember } from '../../../src/lib/server/orgs/members';
import { createRole } from '../../../src/lib/server/orgs/roles';
import { recordingPath } from '../../../ssh-gateway/core/recording';
import { readAll } from '../../helpers/fake-container-backend';
import { eventually, request, type World } from '../../helpers/gateway-core';
import { useCoreSuite } from '../../helpers/gateway-core-suite';
import { acting } from '../../helpers/orgs';

const fx = useCoreSuite();

describe('limits', () => {
	it('holds the per-user limit across two gateway processes, even when they race', async () => {
		const w = await fx.world();
		const other = fx.makeCore({}, 'other-process');
		const attempts = await Promise.all(
			Array.from({ length: 5 }, async (_, i) => {
				const connection = await (i % 2 === 0 ? fx.core : other).connect(request(w.fingerprint, w.slug));
				return { connection, result: await connection.channel().exec('wait') };
			})
		);
		expect(attempts.filter((a) => a.result.ok)).toHaveLength(2);
		for (const a of attempts.filter((x) => !x.result.ok)) {
			expect(a.result).toMatchObject({ ok: false, code: 'session_limit', userMessage: 'Session limit reached: at most 2 concurrent sessions per user' });
		}
		const limitRows = await fx.app.db
			.select()
			.from(gatewaySessions)
			.where(and(eq(gatewaySessions.instanceId, w.instanceId), eq(gatewaySessions.endReason, 'limit')));
		expect(limitRows).toHaveLength(3);
		for (const a of attempts) a.connection.close('closed');
		// Once closed, the slots are free again.
		const again = await eventually(async () => {
			const connection = await fx.core.connect(request(w.fingerprint, w.slug));
			const result = await connection.channel().exec('exit 0');
			return result.ok ? result : null;
		});
		expect(await again.session.exit).toMatchObject({ exitCode: 0 });
	});

	it('holds at most SSH_MAX_CONNECTIONS_PER_USER connections of a user, refused ones included', async () => {
		const w = await fx.world();
		const core = fx.makeCore({ sshMaxConnectionsPerUser: 2 }, 'connection-cap');
		const granted = await core.connect(request(w.fingerprint, w.slug));
		const refused = await core.connect(request(w.fingerprint, 'no-such-instance'));
		expect(granted.grant).not.toBeNull();
		expect(refused.rejection?.code).toBe('instance_not_found');
		const over = await core.connect(request(w.fingerprint, w.slug));
		expect(over.rejection).toMatchObject({ code: 'connection_limit', userMessage: 'Connection limit reached: at most 2 concurrent connections per user' });
		expect(await over.channel().exec('true')).toMatchObject({ ok: false, code: 'connection_limit' });
		// Another user, and a key nobody holds, are not counted against this user.
		const other = await fx.world();
		expect((await core.connect(request(other.fingerprint, other.slug))).grant).not.toBeNull();
		expect((await core.connect(request('SHA256:nobody', w.slug))).rejection?.code).toBe('unknown_key');
		over.close('closed');
		refused.close('closed');
		await eventually(async () => (await core.connectionsHeldBy(w.owner.id)) === 1);
		expect((await core.connect(request(w.fingerprint, w.slug))).grant).not.toBeNull();
	});

	it('holds the connection cap across gateway processes, and a crashed process’s connections stop counting', async () => {
		const w = await fx.world();
		const first = fx.makeCore({ sshMaxConnectionsPerUser: 2 }, 'connections-a');
		const second = fx.makeCore({ sshMaxConnectionsPerUser: 2 }, 'connections-b');
		const racing = await Promise.all(
			Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? first : second).connect(request(w.fingerprint, w.slug)))
		);
		expect(racing.filter((c) => c.grant !== null)).toHaveLength(2);
		expect(racing.filter((c) => c.rejection?.code === 'connection_limit')).toHaveLength(4);
		for (const c of racing) c.close('closed');
		await eventually(async () => (await first.connectionsHeldBy(w.owner.id)) === 0);

		// Rows a crashed process left behind: not seen for a minute, so they no longer count.
		const old = new Date(Date.now() - 60_000);
		const crashed = { userId: w.owner.id, gatewayId: 'crashed', transport: 'ssh' as const, openedAt: old, lastSeenAt: old };
		await fx.app.db.insert(gatewayConnections).values([crashed, crashed]);
		expect(await second.connectionsHeldBy(w.owner.id)).toBe(0);
		expect((await second.connect(request(w.fingerprint, w.slug))).grant).not.toBeNull();
	});

	it('does not let concurrent handshakes of one user overshoot the connection cap', async () => {
		const w = await fx.world();
		const core = fx.makeCore({ sshMaxConnectionsPerUser: 2 }, 'connection-race');
		const racing = await Promise.all(Array.from({ length: 6 }, () => core.connect(request(w.fingerprint, w.slug))));
		expect(racing.filter((c) => c.grant !== null)).toHaveLength(2);
		expect(racing.filter((c) => c.rejection?.code === 'connection_limit')).toHaveLength(4);
	});

	it('does not count rows that stopped heartbeating (a crashed process); heartbeats keep live rows fresh', async () => {
		const w = await fx.world();
		const old = new Date(Date.now() - 60_000);
		const crashed = { userId: w.owner.id, orgId: w.orgId, instanceId: w.instanceId, instanceSlug: w.slug, transport: 'ssh' as const, gatewayId: 'crashed', startedAt: old, lastSeenAt: old };
		await fx.app.db.insert(gatewaySessions).values([crashed, crashed]);
		expect(await fx.core.sessions.countOpen(w.owner.id)).toBe(0);
		const { session } = await fx.open(fx.core, w.fingerprint, w.slug, 'wait');
		expect(await fx.core.sessions.countOpen(w.owner.id)).toBe(1);
		const [before] = await fx.app.db.select().from(gatewaySessions).where(eq(gatewaySessions.id, session.id));
		// The app's clock is the real one: beat until a beat lands on a later millisecond.
		await eventually(async () => {
			await fx.core.sessions.heartbeat();
			const [after] = await fx.app.db.select().from(gatewaySessions).where(eq(gatewaySessions.id, session.id));
			return after!.lastSeenAt.getTime() > before!.lastSeenAt.getTime();
		});
		session.close('closed');
	});

	it('closes an idle connection with the message, not a busy one', async () => {
		const w = await fx.world();
		const idleCore = fx.makeCore({ sshIdleTimeoutSeconds: 1 }, 'idle-process');
		const { connection, session } = await fx.open(idleCore, w.fingerprint, w.slug, 'wait');
		const ended = new Promise((resolve) => connection.onEnd(resolve));
		const message = 'Idle timeout: closed after 1 seconds without activity';
		expect(await session.exit).toEqual({ exitCode: null, reason: 'idle_timeout', message });
		expect(await ended).toEqual({ reason: 'idle_timeout', message });
		expect((await fx.closedRow(session.id)).endReason).toBe('idle_timeout');

		const busy = await fx.open(idleCore, w.fingerprint, w.slug, 'cat');
		const sink = readAll(busy.session.stdout);
		// Paced on purpose: activity spread over 1.8 s must keep a 1 s idle timeout from firing.
		for (let i = 0; i < 6; i++) {
			busy.session.stdin.write('tick');
			await new Promise((r) => setTimeout(r, 300));
		}
		busy.session.stdin.end();
		expect(await busy.session.exit).toMatchObject({ reason: 'closed', exitCode: 0 });
		expect(await sink).toBe('tick'.repeat(6));
	});
});

describe('revocation', () => {
	it('closes sessions whose key was deleted, whose member was removed, or whose role lost view:instances', async () => {
		const w: World = await fx.world();
		const [byKey, byRemoval, byRole] = [await fx.member(w, 'Developer'), await fx.member(w, 'Developer'), await fx.member(w, 'Developer')];
		await createRole(fx.app, acting(w.owner), w.orgId, { name: 'no-instances', permissions: ['view:members'] });
		const live = async (fp: string) => (await fx.open(fx.core, fp, w.slug, 'wait')).session;
		const sessions = { key: await live(byKey.fingerprint), removal: await live(byRemoval.fingerprint), role: await live(byRole.fingerprint), owner: await live(w.fingerprint) };
		await fx.core.checkRevocations();
		await fx.app.db.delete(sshKeys).where(eq(sshKeys.fingerprint, byKey.fingerprint));
		await removeMember(fx.app, acting(w.owner), w.orgId, { userId: byRemoval.user.id });
		await changeMemberRole(fx.app, acting(w.owner), w.orgId, { userId: byRole.user.id, role: 'no-instances' });
		await fx.core.checkRevocations();
		for (const s of [sessions.key, sessions.removal, sessions.role]) {
			expect(await s.exit).toEqual({ exitCode: null, reason: 'revoked', message: 'Access revoked' });
			expect((await fx.closedRow(s.id)).endReason).toBe('revoked');
		}
		// The owner's session is untouched (nothing to wait for: it must stay open for a while).
		expect(await Promise.race([sessions.owner.exit, new Promise((r) => setTimeout(() => r('open'), 100))])).toBe('open');
		sessions.owner.close('closed');
	});
});

describe('recording through sessions', () => {
	const finishedRecording = (sessionId: string) =>
		eventually(async () => {
			const [row] = await fx.app.db.select().from(sessionRecordings).where(eq(sessionRecordings.gatewaySessionId, sessionId));
			return row?.endedAt ? row : null;
		});

	it('full: an asciicast v2 file with header, output, input and resize events, and its row', async () => {
		const w = await fx.world();
		const connection = await fx.core.connect(request(w.fingerprint, w.slug));
		const channel = connection.channel();
		channel.pty({ term: 'xterm', cols: 90, rows: 20 });
		const result = await channel.exec('cat');
		if (!result.ok) throw new Error(result.code);
		const session = result.session;
		const sink = readAll(session.stdout);
		let echoed = '';
		session.stdout.on('data', (d: Buffer) => (echoed += d.toString()));
		session.stdin.write('héllo ');
		channel.window(100, 25);
		// A multi-byte character split across chunks stays whole in the recording.
		const euro = Buffer.from('€');
		session.stdin.write(euro.subarray(0, 1));
		session.stdin.write(euro.subarray(1));
		await eventually(async () => echoed === 'héllo €');
		session.close('closed');
		await session.exit;
		await sink;
		const rec = await finishedRecording(session.id);
		expect(rec).toMatchObject({ mode: 'full', includesInput: true, path: recordingPath(fx.app.config.dataDir, w.instanceId, session.id) });
		const lines = readFileSync(rec.path!, 'utf8').trimEnd().split('\n');
		expect(rec.sizeBytes).toBe(Buffer.byteLength(lines.join('\n') + '\n'));
		expect(JSON.parse(lines[0]!)).toMatchObject({ version: 2, width: 90, height: 20, env: { TERM: 'xterm' } });
		const events = lines.slice(1).map((l) => JSON.parse(l) as [number, string, string]);
		expect(events.filter((e) => e[1] === 'o').map((e) => e[2]).join('')).toBe('héllo €');
		expect(events.filter((e) => e[1] === 'i').map((e) => e[2]).join('')).toBe('héllo €');
		expect(events.some((e) => e[1] === 'r' && e[2] === '100x25')).toBe(true);
		connection.close('closed');
	});

	it('metadata only for file transfers, nothing at all when off', async () => {
		const w = await fx.world();
		const connection = await fx.core.connect(request(w.fingerprint, w.slug));
		const sftp = await connection.channel().subsystem('sftp');
		if (!sftp.ok) throw new Error(sftp.code);
		sftp.session.close('closed');
		await sftp.session.exit;
		expect(await finishedRecording(sftp.session.id)).toMatchObject({ mode: 'metadata', path: null, sizeBytes: 0 });

		const off = fx.makeCore({ sessionRecording: 'off' }, 'no-recording');
		const { session } = await fx.open(off, w.fingerprint, w.slug, 'exit 0');
		await session.exit;
		await fx.closedRow(session.id);
		expect(await fx.app.db.select().from(sessionRecordings).where(eq(sessionRecordings.gatewaySessionId, session.id))).toEqual([]);
	});
});

describe('backpressure', () => {
	it('a reader that does not read stops the process writing: nothing piles up in the gateway', async () => {
		const w = await fx.world();
		const quiet = fx.makeCore({ sessionRecording: 'off' }, 'bp');
		const { session } = await fx.open(quiet, w.fingerprint, w.slug, 'flood');
		const exec = fx.backend.last;
		await eventually(async () => exec.floodAccepted > 0);
		// Nothing to wait for: the point is that over this time no more is accepted than the buffers hold.
		await new Promise((r) => setTimeout(r, 300));
		// Accepted = what sits in the fake process's own stream and the session's Transform, nothing more.
		expect(exec.floodAccepted).toBeLessThan(1024 * 1024);
		const stalled = exec.floodAccepted;
		let read = 0;
		session.stdout.on('data', (d: Buffer) => (read += d.length));
		await eventually(async () => exec.floodAccepted > stalled && read > 0);
		session.close('closed');
	});
});
