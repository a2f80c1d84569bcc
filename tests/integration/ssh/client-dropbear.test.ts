/**
 * Dropbear's client (Debian 12's dbclient 2022.83, common on routers and small images) against the
 * gateway: exec with output and exit status, a few MiB both ways through exec's stdin and stdout
 * (Debian's dropbear-bin ships no scp and Dropbear has no sftp client), RSA 4096, ECDSA P-256 and
 * Ed25519 keys (converted with dropbearconvert), and a refusal. The download is also the test of
 * the recorder's drain() (ssh-gateway/core/recording.ts): a recorded exec whose output outlived the
 * recording lost its last ~100 KiB and its exit status. Dropbear always sends its first key
 * exchange packet before it has seen the server's list: it needs patch 002 (it hung for 30 s).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTestContainers } from '../../helpers/docker';
import { clientFixture, gatewayHostKeys, type ClientFixture } from '../../helpers/ssh-clients';
import { runClient, sshPort } from '../../helpers/ssh';
import type { GeneratedKey } from '../../helpers/ssh-keys';

const hasDocker = inject('sshDocker');

describe.skipIf(!hasDocker)('Dropbear (dbclient)', () => {
	let fx: ClientFixture;
	/** dbclient keeps its known_hosts under $HOME/.ssh: a home of the test's own. */
	let home: string;
	const dropbearKey = (key: GeneratedKey) => {
		execFileSync('dropbearconvert', ['openssh', 'dropbear', key.privateFile, `${key.privateFile}.dropbear`], { stdio: 'pipe' });
		return `${key.privateFile}.dropbear`;
	};
	const dbclient = (keyFile: string, user: string, command: string, input?: Buffer) =>
		runClient('dbclient', ['-i', keyFile, '-p', String(sshPort()), `${user}@127.0.0.1`, command], { env: { HOME: home }, input, timeoutMs: 30_000 });

	beforeAll(async () => {
		fx = await clientFixture('dropbear');
		home = fx.localPath('home');
		execFileSync('mkdir', ['-p', path.join(home, '.ssh')]);
		// Dropbear names a known host without its port; an unknown one is a prompt, which fails the test.
		const lines = (await gatewayHostKeys()).map((k) => `127.0.0.1 ${k.type} ${k.base64}\n`);
		writeFileSync(path.join(home, '.ssh', 'known_hosts'), lines.join(''));
	});
	afterAll(() => removeTestContainers());

	it.each(['rsa4096', 'ecdsa256', 'ed25519'] as const)('runs a command with a %s key: output, stderr and exit status', async (type) => {
		const r = await dbclient(dropbearKey(fx.keys[type]), fx.slug, 'echo out; echo err >&2; exit 3');
		expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
	});

	it('moves a few MiB both ways through exec with the same SHA-256', async () => {
		const key = dropbearKey(fx.key);
		const up = await dbclient(key, fx.slug, 'cat > /tmp/dropbear-up.bin', readFileSync(fx.source));
		expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
		expect(await fx.remoteSha256('/tmp/dropbear-up.bin')).toBe(fx.sourceSha256);
		const down = await dbclient(key, fx.slug, 'cat /tmp/dropbear-up.bin');
		expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: '' });
		expect(createHash('sha256').update(down.stdoutBytes).digest('hex')).toBe(fx.sourceSha256);
	});

	it('starts in the container user\'s home directory', async () => {
		expect((await dbclient(dropbearKey(fx.key), fx.slug, 'pwd')).stdout).toBe('/root\n');
	});

	it('is refused with a key no account holds', async () => {
		const r = await dbclient(dropbearKey(fx.strangerKey), fx.slug, 'true');
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('No auth methods could be used.');
	});
});
