/**
 * Files through the gateway with the stock clients: a 50 MiB random file each way, byte-identical,
 * with scp (SFTP mode, the default), scp -O (the legacy protocol over exec), sftp and rsync; and the
 * clear messages when the image lacks the sftp-server or the scp binary.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { docker, removeTestContainers, startTestContainer } from '../../helpers/docker';
import { api } from '../../helpers/http';
import { clientDir, clientOptions, gatewayFixture, runClient, ssh, sshPort, uniqueName, type GatewayFixture } from '../../helpers/ssh';

const hasDocker = inject('sshDocker');
const SIZE = 50 * 1024 * 1024;

function sha256(file: string): string {
	return createHash('sha256').update(readFileSync(file)).digest('hex');
}

async function randomFile(file: string, bytes: number): Promise<void> {
	const out = createWriteStream(file);
	for (let left = bytes; left > 0; left -= 1024 * 1024) out.write(randomBytes(Math.min(left, 1024 * 1024)));
	out.end();
	await finished(out);
}

async function dockerExec(container: string, cmd: string[]): Promise<void> {
	const exec = await docker.getContainer(container).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
	const stream = await exec.start({ hijack: true, stdin: false });
	stream.resume();
	await finished(stream).catch(() => {});
}

describe.skipIf(!hasDocker)('file transfers', () => {
	let fx: GatewayFixture;
	let source: string;
	let sourceHash: string;
	const scpBase = () => ['-P', String(sshPort()), ...clientOptions(fx.key.privateFile)];
	const remote = (p: string) => `${fx.slug}@127.0.0.1:${p}`;
	const remoteHash = async (p: string) => (await ssh(fx.key.privateFile, fx.slug, `sha256sum ${p} | cut -d' ' -f1`)).stdout.trim();

	beforeAll(async () => {
		fx = await gatewayFixture('xfer');
		source = path.join(clientDir(), `source-${randomBytes(3).toString('hex')}.bin`);
		await randomFile(source, SIZE);
		sourceHash = sha256(source);
	});
	afterAll(async () => {
		rmSync(source, { force: true });
		await removeTestContainers();
	});

	it('scp (SFTP mode) copies 50 MiB up and back byte-identical', async () => {
		const up = await runClient('scp', [...scpBase(), source, remote('/tmp/scp-up.bin')], { timeoutMs: 170_000 });
		expect(up).toMatchObject({ code: 0, stderr: '' });
		expect(await remoteHash('/tmp/scp-up.bin')).toBe(sourceHash);
		const back = path.join(clientDir(), 'scp-down.bin');
		const down = await runClient('scp', [...scpBase(), remote('/tmp/scp-up.bin'), back], { timeoutMs: 170_000 });
		expect(down).toMatchObject({ code: 0, stderr: '' });
		expect(sha256(back)).toBe(sourceHash);
		rmSync(back);
	});

	it('scp -O (legacy protocol over exec) copies 50 MiB up and back byte-identical', async () => {
		const up = await runClient('scp', ['-O', ...scpBase(), source, remote('/tmp/scpo-up.bin')], { timeoutMs: 170_000 });
		expect(up).toMatchObject({ code: 0, stderr: '' });
		expect(await remoteHash('/tmp/scpo-up.bin')).toBe(sourceHash);
		const back = path.join(clientDir(), 'scpo-down.bin');
		const down = await runClient('scp', ['-O', ...scpBase(), remote('/tmp/scpo-up.bin'), back], { timeoutMs: 170_000 });
		expect(down).toMatchObject({ code: 0, stderr: '' });
		expect(sha256(back)).toBe(sourceHash);
		rmSync(back);
	});

	it('sftp puts and gets 50 MiB byte-identical', async () => {
		const back = path.join(clientDir(), 'sftp-down.bin');
		const batch = `put ${source} /tmp/sftp-up.bin\nget /tmp/sftp-up.bin ${back}\n`;
		const r = await runClient('sftp', ['-P', String(sshPort()), ...clientOptions(fx.key.privateFile), '-b', '-', `${fx.slug}@127.0.0.1`], {
			input: batch,
			timeoutMs: 170_000
		});
		expect(r.code).toBe(0);
		expect(await remoteHash('/tmp/sftp-up.bin')).toBe(sourceHash);
		expect(sha256(back)).toBe(sourceHash);
		rmSync(back);
	});

	it('rsync copies 50 MiB up and back byte-identical', async () => {
		const rsh = ['ssh', '-p', String(sshPort()), ...clientOptions(fx.key.privateFile)].join(' ');
		const up = await runClient('rsync', ['-a', '-e', rsh, source, remote('/tmp/rsync-up.bin')], { timeoutMs: 170_000 });
		expect(up).toMatchObject({ code: 0, stderr: '' });
		expect(await remoteHash('/tmp/rsync-up.bin')).toBe(sourceHash);
		const back = path.join(clientDir(), 'rsync-down.bin');
		const down = await runClient('rsync', ['-a', '-e', rsh, remote('/tmp/rsync-up.bin'), back], { timeoutMs: 170_000 });
		expect(down).toMatchObject({ code: 0, stderr: '' });
		expect(sha256(back)).toBe(sourceHash);
		rmSync(back);
	});

	it('a download of a missing file fails with the remote error (the negative case)', async () => {
		const r = await runClient('scp', [...scpBase(), remote('/tmp/does-not-exist'), path.join(clientDir(), 'nothing')]);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('No such file or directory');
	});

	describe('an image without the tools', () => {
		let bare: GatewayFixture;
		beforeAll(async () => {
			// Same owner and org; a second container with the sftp-server and scp removed.
			const container = await startTestContainer('bare', { org: fx.orgId });
			await dockerExec(container.name, ['rm', '-f', '/usr/lib/openssh/sftp-server', '/usr/bin/scp']);
			const slug = uniqueName('bare');
			const created = await api('POST', '/api/instances', {
				token: fx.owner.token,
				body: { orgId: fx.orgId, slug, name: 'bare', serverId: fx.serverId, container: container.name }
			});
			expect(created.status).toBe(201);
			bare = { ...fx, slug, instanceId: created.body.id, container };
		});

		it('sftp says the sftp-server is missing', async () => {
			const r = await runClient('sftp', ['-P', String(sshPort()), ...clientOptions(bare.key.privateFile), '-b', '-', `${bare.slug}@127.0.0.1`], {
				input: 'ls /\n'
			});
			expect(r.code).not.toBe(0);
			expect(r.stderr).toContain('sftp-server not found in the instance image (/usr/lib/openssh/sftp-server)');
		});

		it('scp -O says the scp binary is missing', async () => {
			const r = await runClient('scp', ['-O', '-P', String(sshPort()), ...clientOptions(bare.key.privateFile), source, `${bare.slug}@127.0.0.1:/tmp/x`]);
			expect(r.code).not.toBe(0);
			expect(r.stderr).toContain('scp not found in the instance image: use scp without -O (SFTP mode), or install openssh-client in the image');
		});
	});
});
