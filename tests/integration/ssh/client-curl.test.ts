/**
 * curl's sftp:// and scp:// (Debian 12's curl 7.88 on libssh2 1.10.0, the libssh2 of Debian 12 and
 * Ubuntu 22.04 that PHP's ssh2 and many CI tools also use) against the gateway: a few MiB both ways
 * over SFTP and scp with the same SHA-256, a listing of `~/` (the home directory the session starts
 * in), ECDSA P-256 and Ed25519 keys, and a refusal. libssh2 1.10 offers only the plain hmac-sha2 MACs
 * with AES-CTR (no ETM, no AEAD): it connects because the gateway offers those MACs after the ETM ones.
 * Not covered by curl: exec (curl has none). RSA keys do not work with libssh2 1.10: it signs only
 * with SHA-1 `ssh-rsa`, which the gateway refuses (libssh2 1.11 signs with rsa-sha2-256/512).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTestContainers } from '../../helpers/docker';
import { clientFixture, gatewayHostKeys, sha256File, type ClientFixture } from '../../helpers/ssh-clients';
import { runClient, ssh, sshPort } from '../../helpers/ssh';
import type { GeneratedKey } from '../../helpers/ssh-keys';

const hasDocker = inject('sshDocker');

describe.skipIf(!hasDocker)('curl (libssh2 1.10)', () => {
	let fx: ClientFixture;
	let hostKeySha256: string;
	const url = (scheme: 'sftp' | 'scp', p: string, user = fx.slug) => `${scheme}://${user}@127.0.0.1:${sshPort()}${p}`;
	const curl = (key: GeneratedKey, args: string[]) =>
		// --hostpubsha256: the gateway's Ed25519 host key (libssh2 1.10 has no rsa-sha2 host keys).
		runClient('curl', ['-sS', '--key', key.privateFile, '--pubkey', key.pubFile, '--hostpubsha256', hostKeySha256, ...args], { timeoutMs: 30_000 });

	beforeAll(async () => {
		fx = await clientFixture('curl');
		hostKeySha256 = (await gatewayHostKeys()).find((k) => k.type === 'ssh-ed25519')!.sha256;
	});
	afterAll(() => removeTestContainers());

	it.each(['ecdsa256', 'ed25519'] as const)('signs in with a %s key and lists the home directory (~/)', async (type) => {
		expect((await ssh(fx.key.privateFile, fx.slug, 'touch /root/curl-was-here')).code).toBe(0);
		const r = await curl(fx.keys[type], ['-l', url('sftp', '/~/')]);
		expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
		expect(r.stdout.split('\n')).toContain('curl-was-here');
	});

	it.each(['sftp', 'scp'] as const)('copies a few MiB over %s with the same SHA-256 both ways', async (scheme) => {
		const remote = `/tmp/curl-${scheme}.bin`;
		const up = await curl(fx.key, ['-T', fx.source, url(scheme, remote)]);
		expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
		expect(await fx.remoteSha256(remote)).toBe(fx.sourceSha256);
		const back = fx.localPath(`curl-${scheme}-down.bin`);
		const down = await curl(fx.key, ['-o', back, url(scheme, remote)]);
		expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: '' });
		expect(sha256File(back)).toBe(fx.sourceSha256);
	});

	it('is refused with a key no account holds, and with an RSA key (libssh2 1.10 signs with SHA-1)', async () => {
		for (const key of [fx.strangerKey, fx.keys.rsa4096]) {
			const r = await curl(key, ['-l', url('sftp', '/~/')]);
			expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 67, stderr: 'curl: (67) Authentication failure\n' });
		}
	});
});
