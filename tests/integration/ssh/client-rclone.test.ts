/**
 * rclone's SFTP backend (Debian 12's rclone 1.60, on Go's golang.org/x/crypto/ssh, as are many Go
 * tools) against the gateway: a few MiB both ways with the same SHA-256, with rclone's own hash
 * check running `md5sum` over exec (the exec rclone can do: it shows no exit status), a listing of
 * the directory the session starts in, RSA 4096 (which needed patch 003: Go treated the PK_OK naming
 * `ssh-rsa` as a refusal), ECDSA P-256 and Ed25519 keys, and a refusal. rclone has no scp.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTestContainers } from '../../helpers/docker';
import { clientFixture, gatewayKnownHosts, sha256File, type ClientFixture } from '../../helpers/ssh-clients';
import { runClient, ssh, sshPort } from '../../helpers/ssh';
import type { GeneratedKey } from '../../helpers/ssh-keys';

const hasDocker = inject('sshDocker');

describe.skipIf(!hasDocker)('rclone (Go x/crypto/ssh)', () => {
	let fx: ClientFixture;
	let config: string;
	/** One remote per key in the test's rclone.conf (rclone saves the shell type it detects there). */
	const remote = (name: keyof ClientFixture['keys'] | 'stranger', p: string) => `${name}:${p}`;
	const rclone = (args: string[]) => runClient('rclone', ['--config', config, '--retries', '1', '--low-level-retries', '1', ...args], { timeoutMs: 60_000 });

	beforeAll(async () => {
		fx = await clientFixture('rclone');
		const knownHosts = await gatewayKnownHosts(fx.localPath('known_hosts'));
		const section = (name: string, key: GeneratedKey) =>
			`[${name}]\ntype = sftp\nhost = 127.0.0.1\nport = ${sshPort()}\nuser = ${fx.slug}\nkey_file = ${key.privateFile}\nknown_hosts_file = ${knownHosts}\n`;
		config = fx.localPath('rclone.conf');
		writeFileSync(config, [...Object.entries(fx.keys).map(([name, key]) => section(name, key)), section('stranger', fx.strangerKey)].join('\n'));
	});
	afterAll(() => removeTestContainers());

	it.each(['rsa4096', 'ecdsa256', 'ed25519'] as const)('signs in with a %s key and lists the home directory', async (type) => {
		expect((await ssh(fx.key.privateFile, fx.slug, 'touch /root/rclone-was-here')).code).toBe(0);
		const r = await rclone(['lsf', remote(type, '')]);
		expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
		expect(r.stdout.split('\n')).toContain('rclone-was-here');
	});

	it('copies a few MiB with the same SHA-256 both ways, and md5sum over exec agrees', async () => {
		const up = await rclone(['copyto', fx.source, remote('ed25519', '/tmp/rclone-up.bin')]);
		expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
		expect(await fx.remoteSha256('/tmp/rclone-up.bin')).toBe(fx.sourceSha256);
		const back = fx.localPath('rclone-down.bin');
		const down = await rclone(['copyto', remote('ed25519', '/tmp/rclone-up.bin'), back]);
		expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: '' });
		expect(sha256File(back)).toBe(fx.sourceSha256);
		const md5 = await rclone(['md5sum', remote('ed25519', '/tmp/rclone-up.bin')]);
		expect(md5.stdout).toBe(`${createHash('md5').update(readFileSync(fx.source)).digest('hex')}  rclone-up.bin\n`);
	});

	it('is refused with a key no account holds', async () => {
		const r = await rclone(['lsf', remote('stranger', '')]);
		expect(r.code).not.toBe(0);
		expect(r.stderr).toContain('ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain');
	});
});
