/**
 * PuTTY's command-line tools (Debian 12's putty-tools 0.78: plink, pscp, psftp; what Windows users
 * and WinSCP-style tools speak) against the gateway: plink exec with output and exit status, psftp
 * put/get and pscp in SFTP and in scp mode with the same SHA-256 both ways, RSA 4096, ECDSA P-256
 * and Ed25519 keys (converted to .ppk with puttygen), the session's home directory, and a refusal.
 * The gateway's host keys are pinned with -hostkey, as a PuTTY user's cache would hold them.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTestContainers } from '../../helpers/docker';
import { clientFixture, gatewayHostKeys, sha256File, type ClientFixture } from '../../helpers/ssh-clients';
import { runClient, sshPort } from '../../helpers/ssh';
import type { GeneratedKey } from '../../helpers/ssh-keys';

const hasDocker = inject('sshDocker');

describe.skipIf(!hasDocker)('PuTTY (plink, pscp, psftp)', () => {
	let fx: ClientFixture;
	let pinned: string[];
	const ppk = (key: GeneratedKey) => {
		execFileSync('puttygen', [key.privateFile, '-O', 'private', '-o', `${key.privateFile}.ppk`], { stdio: 'pipe' });
		return `${key.privateFile}.ppk`;
	};
	const common = (keyFile: string) => ['-batch', '-i', keyFile, ...pinned];
	const plink = (keyFile: string, user: string, command: string) =>
		runClient('plink', ['-ssh', '-P', String(sshPort()), ...common(keyFile), '-no-antispoof', `${user}@127.0.0.1`, command], { timeoutMs: 30_000 });
	const remote = (p: string) => `${fx.slug}@127.0.0.1:${p}`;

	beforeAll(async () => {
		fx = await clientFixture('putty');
		pinned = (await gatewayHostKeys()).flatMap((k) => ['-hostkey', `SHA256:${k.sha256}`]);
	});
	afterAll(() => removeTestContainers());

	it.each(['rsa4096', 'ecdsa256', 'ed25519'] as const)('plink runs a command with a %s key: output, stderr and exit status', async (type) => {
		const r = await plink(ppk(fx.keys[type]), fx.slug, 'echo out; echo err >&2; exit 3');
		expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
	});

	it('psftp puts and gets a few MiB with the same SHA-256, starting in the home directory', async () => {
		const back = fx.localPath('psftp-down.bin');
		const batch = fx.localPath('psftp-batch');
		writeFileSync(batch, `pwd\nput ${fx.source} /tmp/psftp-up.bin\nget /tmp/psftp-up.bin ${back}\n`);
		const r = await runClient('psftp', ['-P', String(sshPort()), ...common(ppk(fx.key)), '-b', batch, `${fx.slug}@127.0.0.1`], { timeoutMs: 60_000 });
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('Remote directory is /root\n');
		expect(await fx.remoteSha256('/tmp/psftp-up.bin')).toBe(fx.sourceSha256);
		expect(sha256File(back)).toBe(fx.sourceSha256);
	});

	it.each(['-sftp', '-scp'])('pscp %s copies a few MiB with the same SHA-256 both ways', async (mode) => {
		const key = ppk(fx.key);
		const target = `/tmp/pscp${mode}.bin`;
		const up = await runClient('pscp', [mode, '-q', '-P', String(sshPort()), ...common(key), fx.source, remote(target)], { timeoutMs: 60_000 });
		expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
		expect(await fx.remoteSha256(target)).toBe(fx.sourceSha256);
		const back = fx.localPath(`pscp${mode}-down.bin`);
		const down = await runClient('pscp', [mode, '-q', '-P', String(sshPort()), ...common(key), remote(target), back], { timeoutMs: 60_000 });
		expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: '' });
		expect(sha256File(back)).toBe(fx.sourceSha256);
	});

	it('plink is refused with a key no account holds', async () => {
		const r = await plink(ppk(fx.strangerKey), fx.slug, 'true');
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('FATAL ERROR: No supported authentication methods available (server sent: publickey)');
	});
});
