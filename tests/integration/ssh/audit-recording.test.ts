/**
 * What a session leaves behind: ssh.session_started / ssh.session_ended rows in the org's audit log,
 * the key's lastUsedAt, the gateway_sessions totals, and (SESSION_RECORDING=full, input on) an
 * asciicast v2 file per terminal session, listed per instance for view:audit_logs only.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTestContainers } from '../../helpers/docker';
import { api } from '../../helpers/http';
import { clientOptions, gatewayFixture, memberOf, newAccount, runClient, ssh, sshPort, waitFor, type GatewayFixture } from '../../helpers/ssh';

const hasDocker = inject('sshDocker');

type AuditItem = { action: string; actorEmail: string; targetId: string; ipAddress: string; userAgent: string; metadata: Record<string, any> };

async function auditRows(fx: GatewayFixture, action: string): Promise<AuditItem[]> {
	const res = await api('GET', `/api/orgs/${fx.orgId}/audit-logs?action=${action}&limit=100`, { token: fx.owner.token });
	expect(res.status).toBe(200);
	return res.body.items;
}

describe.skipIf(!hasDocker)('audit and recording', () => {
	let fx: GatewayFixture;

	beforeAll(async () => {
		fx = await gatewayFixture('rec');
	});
	afterAll(() => removeTestContainers());

	it('writes session_started and session_ended rows with the session facts, and sets the key lastUsedAt', async () => {
		const before = await api('GET', '/api/user/ssh-keys', { token: fx.owner.token });
		expect(before.body.find((k: any) => k.id === fx.key.id).lastUsedAt).toBeNull();

		const r = await ssh(fx.key.privateFile, fx.slug, 'head -c 1000 /dev/zero; cat > /dev/null; exit 7', { input: 'x'.repeat(500) });
		expect(r.code).toBe(7);
		expect(r.stdoutBytes.length).toBe(1000);

		const ended = await waitFor(async () => (await auditRows(fx, 'ssh.session_ended')).find((row) => row.metadata.exitStatus === 7), 15_000);
		const started = (await auditRows(fx, 'ssh.session_started')).find((row) => row.metadata.sessionId === ended.metadata.sessionId)!;
		expect(started).toMatchObject({
			actorEmail: fx.owner.email,
			targetId: fx.instanceId,
			ipAddress: '127.0.0.1',
			metadata: {
				instanceSlug: fx.slug,
				keyFingerprint: fx.key.keygenFingerprint,
				clientIp: '127.0.0.1',
				transport: 'ssh',
				kind: 'exec',
				command: 'head -c 1000 /dev/zero; cat > /dev/null; exit 7',
				pty: false
			}
		});
		expect(started.userAgent).toMatch(/^SSH-2\.0-OpenSSH/);
		expect(ended.metadata).toMatchObject({ reason: 'closed', exitStatus: 7, bytesIn: 500, bytesOut: 1000, keyFingerprint: fx.key.keygenFingerprint });
		expect(ended.metadata.durationSeconds).toBeGreaterThanOrEqual(0);

		const after = await api('GET', '/api/user/ssh-keys', { token: fx.owner.token });
		expect(after.body.find((k: any) => k.id === fx.key.id).lastUsedAt).not.toBeNull();
	});

	it('records a refused session of a member in the audit log with its code', async () => {
		await api('POST', `/api/instances/${fx.slug}/stop`, { token: fx.owner.token });
		try {
			expect(await ssh(fx.key.privateFile, fx.slug, 'uptime')).toMatchObject({ code: 1, stderr: `Instance ${fx.slug} is stopped\n` });
		} finally {
			await api('POST', `/api/instances/${fx.slug}/start`, { token: fx.owner.token });
		}
		const refused = await waitFor(async () => (await auditRows(fx, 'ssh.session_refused')).find((row) => row.metadata.command === 'uptime'), 15_000);
		expect(refused).toMatchObject({
			actorEmail: fx.owner.email,
			targetId: fx.instanceId,
			metadata: { code: 'instance_stopped', kind: 'exec', keyFingerprint: fx.key.keygenFingerprint, instanceSlug: fx.slug }
		});
		expect(refused.metadata.reason).toContain('stopped');
	});

	it('writes an asciicast v2 recording of a pty session, with output and input events', async () => {
		const r = await ssh(fx.key.privateFile, fx.slug, undefined, { extra: ['-tt'], input: 'echo "recorded-$((6*7))"\nexit\n' });
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('recorded-42');

		const listed = await waitFor(async () => {
			const res = await api('GET', `/api/instances/${fx.slug}/recordings`, { token: fx.owner.token });
			expect(res.status).toBe(200);
			return res.body.recordings.find((rec: any) => rec.kind === 'shell' && rec.endedAt !== null);
		}, 15_000);
		expect(listed).toMatchObject({ mode: 'full', hasFile: true, includesInput: true, transport: 'ssh', userEmail: fx.owner.email, endReason: 'closed' });
		expect(listed.sizeBytes).toBeGreaterThan(0);

		const file = path.join(inject('sshDataDir'), 'recordings', fx.instanceId, `${listed.sessionId}.cast`);
		const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
		expect(readFileSync(file).length).toBe(listed.sizeBytes);
		const header = JSON.parse(lines[0]!);
		expect(header).toMatchObject({ version: 2, width: 80, height: 24 });
		expect(typeof header.timestamp).toBe('number');
		const events = lines.slice(1).map((l) => JSON.parse(l) as [number, string, string]);
		for (const [time, type, data] of events) {
			expect(typeof time).toBe('number');
			expect(['o', 'i', 'r', 'm']).toContain(type);
			expect(typeof data).toBe('string');
		}
		const times = events.map((e) => e[0]);
		expect([...times].sort((a, b) => a - b)).toEqual(times);
		const output = events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');
		const input = events.filter((e) => e[1] === 'i').map((e) => e[2]).join('');
		expect(output).toContain('recorded-42');
		expect(input).toContain('echo "recorded-$((6*7))"');
	});

	it('records file transfers as metadata only (no file)', async () => {
		const r = await runClient('sftp', ['-P', String(sshPort()), ...clientOptions(fx.key.privateFile), '-b', '-', `${fx.slug}@127.0.0.1`], { input: 'ls /\n' });
		expect(r.code).toBe(0);
		const sftp = await waitFor(async () => {
			const res = await api('GET', `/api/instances/${fx.slug}/recordings`, { token: fx.owner.token });
			return res.body.recordings.find((rec: any) => rec.kind === 'sftp' && rec.endedAt !== null);
		}, 15_000);
		expect(sftp).toMatchObject({ mode: 'metadata', hasFile: false, sizeBytes: 0, command: 'sftp' });
		expect(existsSync(path.join(inject('sshDataDir'), 'recordings', fx.instanceId, `${sftp.sessionId}.cast`))).toBe(false);
	});

	it('lists recordings only for view:audit_logs: a Developer is refused, an outsider sees no instance', async () => {
		const dev = await memberOf(fx, 'Developer', 'recdev');
		const refused = await api('GET', `/api/instances/${fx.slug}/recordings`, { token: dev.account.token });
		expect(refused).toMatchObject({ status: 403, body: { error: 'forbidden', message: 'Permission denied: view:audit_logs' } });
		const outsider = await newAccount('recout');
		const hidden = await api('GET', `/api/instances/${fx.slug}/recordings`, { token: outsider.token });
		expect(hidden).toMatchObject({ status: 404, body: { error: 'not_found', message: 'Instance not found' } });
		const admin = await memberOf(fx, 'Admin', 'recadmin');
		const allowed = await api('GET', `/api/instances/${fx.slug}/recordings`, { token: admin.account.token });
		expect(allowed.status).toBe(200);
		expect(allowed.body.recordings.length).toBeGreaterThan(0);
	});
});
