/**
 * paramiko (Debian 12's python3-paramiko 2.12, what Fabric and Ansible's paramiko connection use)
 * against the gateway: exec with output and exit status, SFTP both ways byte-identical, RSA 4096
 * (rsa-sha2-512), ECDSA P-256 and Ed25519 keys, the session's home directory, and a refusal.
 * paramiko has no scp.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTestContainers } from '../../helpers/docker';
import { clientFixture, gatewayKnownHosts, sha256File, type ClientFixture } from '../../helpers/ssh-clients';
import { runClient, sshPort } from '../../helpers/ssh';

const hasDocker = inject('sshDocker');
const SCRIPT = 'tests/helpers/clients/paramiko-client.py';

describe.skipIf(!hasDocker)('paramiko', () => {
	let fx: ClientFixture;
	let knownHosts: string;
	// Debian's python3-paramiko belongs to Debian's Python, whatever `python3` is first on PATH.
	const paramiko = (keyFile: string, user: string, ...args: string[]) =>
		runClient('/usr/bin/python3', [SCRIPT, String(sshPort()), user, keyFile, knownHosts, ...args], { env: { PYTHONWARNINGS: 'ignore' } });

	beforeAll(async () => {
		fx = await clientFixture('paramiko');
		knownHosts = await gatewayKnownHosts(fx.localPath('known_hosts'));
	});
	afterAll(() => removeTestContainers());

	it.each(['rsa4096', 'ecdsa256', 'ed25519'] as const)('runs a command with a %s key: output, stderr and exit status', async (type) => {
		const r = await paramiko(fx.keys[type].privateFile, fx.slug, 'exec', 'echo out; echo err >&2; exit 3');
		expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
	});

	it('puts and gets a few MiB over SFTP with the same SHA-256 both ways', async () => {
		const up = await paramiko(fx.key.privateFile, fx.slug, 'put', fx.source, '/tmp/paramiko-up.bin');
		expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
		expect(await fx.remoteSha256('/tmp/paramiko-up.bin')).toBe(fx.sourceSha256);
		const back = fx.localPath('paramiko-down.bin');
		const down = await paramiko(fx.key.privateFile, fx.slug, 'get', '/tmp/paramiko-up.bin', back);
		expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: '' });
		expect(sha256File(back)).toBe(fx.sourceSha256);
	});

	it('starts exec and SFTP sessions in the container user\'s home directory', async () => {
		expect((await paramiko(fx.key.privateFile, fx.slug, 'exec', 'pwd')).stdout).toBe('/root\n');
		expect((await paramiko(fx.key.privateFile, fx.slug, 'pwd')).stdout).toBe('/root\n');
	});

	it('is refused with a key no account holds', async () => {
		const r = await paramiko(fx.strangerKey.privateFile, fx.slug, 'exec', 'true');
		expect(r).toMatchObject({ code: 255, stderr: 'error: AuthenticationException: Authentication failed.\n' });
	});
});
