/**
 * The org Sessions REST routes on the shipped server, with sessions made by the stock `ssh` and `sftp`
 * clients into real containers (SESSION_RECORDING=full): GET /api/orgs/{orgId}/sessions lists only the
 * org's own sessions; GET /api/orgs/{orgId}/sessions/{id}/recording streams the .cast as an attachment
 * named <instance>-<session>.cast, holding the typed command's output. Another org's recording is 404
 * whichever org it is asked through, a member without view:audit_logs gets 403.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTestContainers } from '../../helpers/docker';
import { api } from '../../helpers/http';
import { clientOptions, gatewayFixture, memberOf, newAccount, runClient, ssh, sshPort, waitFor, type GatewayFixture } from '../../helpers/ssh';

const hasDocker = inject('sshDocker');

type Listed = { id: string; instanceSlug: string; kind: string; endedAt: string | null; exitStatus: number | null; recording: { mode: string; hasFile: boolean } | null };

async function sessionsOf(fx: GatewayFixture, query = ''): Promise<Listed[]> {
	const res = await api('GET', `/api/orgs/${fx.orgId}/sessions${query}`, { token: fx.owner.token });
	expect(res.status).toBe(200);
	return res.body.items;
}

function download(orgId: string, sessionId: string, token: string): Promise<Response> {
	return fetch(`${inject('baseUrl')}/api/orgs/${orgId}/sessions/${sessionId}/recording`, { headers: { authorization: `Bearer ${token}` } });
}

describe.skipIf(!hasDocker)('org sessions over REST', () => {
	let a: GatewayFixture;
	let b: GatewayFixture;
	let shellA: Listed;
	let shellB: Listed;

	beforeAll(async () => {
		[a, b] = [await gatewayFixture('sessa'), await gatewayFixture('sessb')];
		const ran = await ssh(a.key.privateFile, a.slug, undefined, { extra: ['-tt'], input: 'echo "rest-$((6*7))"\nexit 4\n' });
		expect(ran.code).toBe(4);
		expect((await ssh(b.key.privateFile, b.slug, undefined, { extra: ['-tt'], input: 'echo other-org\nexit\n' })).code).toBe(0);
		shellA = await waitFor(async () => (await sessionsOf(a)).find((s) => s.kind === 'shell' && s.endedAt !== null && s.recording !== null), 15_000);
		shellB = await waitFor(async () => (await sessionsOf(b)).find((s) => s.kind === 'shell' && s.endedAt !== null && s.recording !== null), 15_000);
	}, 120_000);
	afterAll(() => removeTestContainers());

	it('lists the org’s own sessions with exit status and recording, never another org’s', async () => {
		expect(shellA).toMatchObject({ instanceSlug: a.slug, exitStatus: 4, recording: { mode: 'full', hasFile: true } });
		const listed = await sessionsOf(a, `?instance=${a.slug}`);
		expect(listed.map((s) => s.id)).toContain(shellA.id);
		expect(listed.map((s) => s.id)).not.toContain(shellB.id);
		expect(await sessionsOf(a, `?instance=${b.slug}`)).toEqual([]);
	});

	it('downloads the .cast as an attachment named after the instance and session, holding the typed command’s output', async () => {
		const res = await download(a.orgId, shellA.id, a.owner.token);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/x-asciicast');
		expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${a.slug}-${shellA.id}.cast"`);
		expect(res.headers.get('cache-control')).toBe('no-store');
		const body = await res.text();
		const onDisk = readFileSync(path.join(inject('sshDataDir'), 'recordings', a.instanceId, `${shellA.id}.cast`), 'utf8');
		expect(body).toBe(onDisk);
		expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(onDisk)));
		const [header, ...events] = body.trimEnd().split('\n').map((line) => JSON.parse(line));
		expect(header).toMatchObject({ version: 2 });
		expect(events.filter((e: [number, string, string]) => e[1] === 'o').map((e: string[]) => e[2]).join('')).toContain('rest-42');
	});

	it('answers another org’s recording 404, through either org, and gives nothing away', async () => {
		const viaOwnOrg = await download(a.orgId, shellB.id, a.owner.token);
		expect(viaOwnOrg.status).toBe(404);
		expect(await viaOwnOrg.json()).toEqual({ error: 'not_found', message: 'Session not found' });
		const viaTheirOrg = await download(b.orgId, shellB.id, a.owner.token);
		expect(viaTheirOrg.status).toBe(404);
		expect(await viaTheirOrg.json()).toEqual({ error: 'not_found', message: 'Organization not found' });
		const list = await api('GET', `/api/orgs/${b.orgId}/sessions`, { token: a.owner.token });
		expect(list).toMatchObject({ status: 404, body: { error: 'not_found' } });
		// The same recording for its own org: the refusal above was the org check, not a missing file.
		expect((await download(b.orgId, shellB.id, b.owner.token)).status).toBe(200);
	});

	it('refuses members without view:audit_logs with 403, and anonymous callers with 401', async () => {
		const dev = await memberOf(a, 'Developer', 'sessdev');
		const refused = await download(a.orgId, shellA.id, dev.account.token);
		expect(refused.status).toBe(403);
		expect(await refused.json()).toEqual({ error: 'forbidden', message: 'Permission denied: view:audit_logs' });
		expect(await api('GET', `/api/orgs/${a.orgId}/sessions`, { token: dev.account.token })).toMatchObject({ status: 403 });
		const outsider = await newAccount('sessout');
		expect((await download(a.orgId, shellA.id, outsider.token)).status).toBe(404);
		const anonymous = await fetch(`${inject('baseUrl')}/api/orgs/${a.orgId}/sessions/${shellA.id}/recording`);
		expect(anonymous.status).toBe(401);
	});

	it('has no file for a file transfer (metadata only): 404 Recording not found', async () => {
		const r = await runClient('sftp', ['-P', String(sshPort()), ...clientOptions(a.key.privateFile), '-b', '-', `${a.slug}@127.0.0.1`], { input: 'ls /\n' });
		expect(r.code).toBe(0);
		const sftp = await waitFor(async () => (await sessionsOf(a)).find((s) => s.kind === 'sftp' && s.endedAt !== null), 15_000);
		expect(sftp.recording).toMatchObject({ mode: 'metadata', hasFile: false });
		const res = await download(a.orgId, sftp.id, a.owner.token);
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({ error: 'not_found', message: 'Recording not found' });
	});

	it('refuses a bad page size with a readable 400', async () => {
		const res = await api('GET', `/api/orgs/${a.orgId}/sessions?limit=0`, { token: a.owner.token });
		expect(res).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
		expect(res.body.message).toContain('limit');
	});
});
