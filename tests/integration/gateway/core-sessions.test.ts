/**
 * The gateway core on a real database (PostgreSQL or PGlite) with the in-memory container backend:
 * authorization order and codes, and container sessions with their rows, audit and key lastUsedAt.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLogs, sessionRecordings, sshKeys } from '../../../src/lib/server/db/schema';
import { createRole } from '../../../src/lib/server/orgs/roles';
import { readAll } from '../../helpers/fake-container-backend';
import { eventually, randomFingerprint, request } from '../../helpers/gateway-core';
import { useCoreSuite } from '../../helpers/gateway-core-suite';
import { acting, uniqueSlug } from '../../helpers/orgs';

const fx = useCoreSuite();

describe('authorize', () => {
	it('grants a member with view:instances on a running instance, with or without the prefix', async () => {
		const w = await fx.world();
		for (const username of [w.slug, `ocore-${w.slug}`]) {
			const result = await fx.core.authorize(request(w.fingerprint, username));
			expect(result.ok).toBe(true);
			if (!result.ok) continue;
			expect(result.grant).toMatchObject({
				user: { id: w.owner.id, email: w.owner.email },
				keyFingerprint: w.fingerprint,
				org: { id: w.orgId },
				instance: { id: w.instanceId, slug: w.slug, status: 'running' },
				endpoint: { kind: 'socket', socketPath: '/var/run/docker.sock' },
				clientIp: '192.0.2.7',
				transport: 'ssh'
			});
		}
	});

	it('finds a slug that itself begins with the prefix', async () => {
		const w = await fx.world('running', uniqueSlug('ocore-x'));
		expect((await fx.core.authorize(request(w.fingerprint, w.slug))).ok).toBe(true);
	});

	it('refuses in order, each with its code and line', async () => {
		const w = await fx.world();
		const other = await fx.world();
		const refuse = async (fp: string, username: string) => {
			const r = await fx.core.authorize(request(fp, username));
			return r.ok ? null : { code: r.code, line: r.userMessage };
		};
		expect(await refuse(randomFingerprint(), w.slug)).toEqual({ code: 'unknown_key', line: 'Permission denied (publickey)' });
		expect(await refuse(w.fingerprint, '%n')).toMatchObject({ code: 'unexpanded_username' });
		expect(await refuse(w.fingerprint, 'no-such-instance')).toEqual({ code: 'instance_not_found', line: 'Instance not found' });
		expect(await refuse(w.fingerprint, 'UPPER;rm -rf')).toEqual({ code: 'instance_not_found', line: 'Instance not found' });
		expect(await refuse(w.fingerprint, other.slug)).toEqual({ code: 'instance_not_found', line: 'Instance not found' });

		await createRole(fx.app, acting(w.owner), w.orgId, { name: 'blind', permissions: ['view:members'] });
		const blind = await fx.member(w, 'blind');
		expect(await refuse(blind.fingerprint, w.slug)).toEqual({ code: 'permission_denied', line: 'Permission denied: view:instances' });

		const stopped = await fx.world('stopped');
		expect(await refuse(stopped.fingerprint, stopped.slug)).toEqual({ code: 'instance_stopped', line: `Instance ${stopped.slug} is stopped` });
		const provisioning = await fx.world('provisioning');
		expect(await refuse(provisioning.fingerprint, provisioning.slug)).toEqual({
			code: 'instance_stopped',
			line: `Instance ${provisioning.slug} is not running yet (provisioning)`
		});
		// A member without view:instances never learns the status.
		const stoppedBlind = await fx.world('stopped');
		await createRole(fx.app, acting(stoppedBlind.owner), stoppedBlind.orgId, { name: 'blind', permissions: ['view:members'] });
		const sb = await fx.member(stoppedBlind, 'blind');
		expect(await refuse(sb.fingerprint, stoppedBlind.slug)).toMatchObject({ code: 'permission_denied' });
	});
});

describe('sessions', () => {
	it('runs a command: bytes both ways, exit status, a closed row, audit rows and the key lastUsedAt', async () => {
		const w = await fx.world();
		const { connection, session } = await fx.open(fx.core, w.fingerprint, w.slug, 'cat');
		expect(fx.backend.last.options).toMatchObject({ cmd: ['/bin/sh', '-c', 'cd "$HOME" 2>/dev/null || cd /; cat'], tty: false });
		const output = readAll(session.stdout);
		session.stdin.end('hello gateway');
		expect(await output).toBe('hello gateway');
		expect(await session.exit).toEqual({ exitCode: 0, signal: undefined, reason: 'closed' });
		expect(await fx.closedRow(session.id)).toMatchObject({
			userId: w.owner.id,
			instanceId: w.instanceId,
			kind: 'exec',
			command: 'cat',
			bytesIn: 13,
			bytesOut: 13,
			exitStatus: 0,
			endReason: 'closed',
			transport: 'ssh',
			clientIp: '192.0.2.7'
		});
		const audit = await eventually(async () => {
			const rows = await fx.app.db.select().from(auditLogs).where(and(eq(auditLogs.chain, w.orgId), eq(auditLogs.targetId, w.instanceId)));
			return rows.length === 2 ? rows : null;
		});
		expect(audit.map((a) => a.action)).toEqual(['ssh.session_started', 'ssh.session_ended']);
		expect(audit[0]!.metadata).toMatchObject({ sessionId: session.id, kind: 'exec', command: 'cat', keyFingerprint: w.fingerprint, clientIp: '192.0.2.7' });
		expect(audit[1]!.metadata).toMatchObject({ sessionId: session.id, bytesIn: 13, bytesOut: 13, exitStatus: 0, reason: 'closed' });
		const [key] = await fx.app.db.select().from(sshKeys).where(eq(sshKeys.fingerprint, w.fingerprint));
		expect(key!.lastUsedAt).not.toBeNull();
		connection.close('closed');
	});

	it('writes the audit, recording and key rows it leaves to the background before stop() returns', async () => {
		// The session_started row, the recording row and the key's last use are written while the process
		// runs; the session's end and the core's shutdown wait for them, so none is lost on a fast exit.
		const w = await fx.world();
		const core = fx.makeCore();
		const { session } = await fx.open(core, w.fingerprint, w.slug, 'exit 0');
		expect(await session.exit).toMatchObject({ exitCode: 0, reason: 'closed' });
		await core.stop();
		const audit = await fx.app.db.select().from(auditLogs).where(and(eq(auditLogs.chain, w.orgId), eq(auditLogs.targetId, w.instanceId)));
		expect(audit.map((a) => a.action)).toEqual(['ssh.session_started', 'ssh.session_ended']);
		const [recording] = await fx.app.db.select().from(sessionRecordings).where(eq(sessionRecordings.gatewaySessionId, session.id));
		expect(recording!.endedAt).not.toBeNull();
		const [key] = await fx.app.db.select().from(sshKeys).where(eq(sshKeys.fingerprint, w.fingerprint));
		expect(key!.lastUsedAt).not.toBeNull();
	});

	it('passes an exit status, and a 128+N status of an exec as signal N', async () => {
		const w = await fx.world();
		expect(await (await fx.open(fx.core, w.fingerprint, w.slug, 'exit 3')).session.exit).toMatchObject({ exitCode: 3, reason: 'closed' });
		expect(await (await fx.open(fx.core, w.fingerprint, w.slug, 'exit 143')).session.exit).toMatchObject({ exitCode: null, signal: 'TERM' });
	});

	it('filters the environment and sizes the terminal', async () => {
		const w = await fx.world();
		const connection = await fx.core.connect(request(w.fingerprint, w.slug));
		const channel = connection.channel();
		expect(channel.env('LANG', 'C.UTF-8')).toBe(true);
		expect(channel.env('LD_PRELOAD', '/evil.so')).toBe(false);
		expect(channel.pty({ term: 'xterm-256color', cols: 100, rows: 30 })).toBe(true);
		expect((await channel.shell()).ok).toBe(true);
		expect(fx.backend.last.options).toMatchObject({ tty: true, cols: 100, rows: 30, env: { LANG: 'C.UTF-8', TERM: 'xterm-256color' } });
		expect(fx.backend.last.options.cmd.join(' ')).toContain('stty cols 100 rows 30');
		channel.window(120, 40);
		expect(fx.backend.last.resizes).toEqual([[120, 40]]);
		connection.close('closed');
	});

	it('refuses sftp without an sftp-server in the image, and other subsystems', async () => {
		const w = await fx.world();
		const connection = await fx.core.connect(request(w.fingerprint, w.slug));
		fx.backend.executables.clear();
		try {
			expect(await connection.channel().subsystem('sftp')).toMatchObject({
				ok: false,
				code: 'sftp_unavailable',
				userMessage: 'sftp-server not found in the instance image (/usr/lib/openssh/sftp-server)'
			});
		} finally {
			fx.backend.executables.add('/usr/lib/openssh/sftp-server');
		}
		expect(await connection.channel().subsystem('x11-helper')).toMatchObject({ ok: false, code: 'unsupported_request' });
		expect(await connection.channel().subsystem('sftp')).toMatchObject({ ok: true });
		connection.close('closed');
	});

	it('says the instance is stopped when Docker refuses the exec of a stopped container', async () => {
		const w = await fx.world();
		const connection = await fx.core.connect(request(w.fingerprint, w.slug));
		fx.backend.failExec = new Error('container is not running');
		fx.backend.states.set(`c-${w.slug}`, 'stopped');
		try {
			expect(await connection.channel().exec('true')).toMatchObject({ ok: false, code: 'instance_stopped', userMessage: `Instance ${w.slug} is stopped` });
		} finally {
			fx.backend.failExec = null;
		}
		connection.close('closed');
	});

	it('a refused member attempt is audited with its code', async () => {
		const w = await fx.world('stopped');
		const connection = await fx.core.connect(request(w.fingerprint, w.slug));
		expect(await connection.channel().exec('uptime')).toMatchObject({ ok: false, code: 'instance_stopped' });
		const rows = await fx.app.db.select().from(auditLogs).where(and(eq(auditLogs.chain, w.orgId), eq(auditLogs.action, 'ssh.session_refused')));
		expect(rows).toHaveLength(1);
		expect(rows[0]!.metadata).toMatchObject({ code: 'instance_stopped', command: 'uptime', kind: 'exec', keyFingerprint: w.fingerprint });
	});
});
