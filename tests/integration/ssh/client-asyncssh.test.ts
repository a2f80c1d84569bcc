/**
 * asyncssh (Debian 12's python3-asyncssh 2.10)
 * against the gateway: exec with output and exit status, SFTP and scp (asyncssh's own, the legacy
 * protocol over exec) both ways byte-identical, RSA 4096 (which needed patch 003: asyncssh checks
 * the algorithm name in PK_OK), ECDSA P-256 and Ed25519 keys, the session's home directory, and a
 * refusal.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTestContainers } from '../../helpers/docker';
import { clientFixture, gatewayKnownHosts, sha256File, type ClientFixture } from '../../helpers/ssh-clients';
import { runClient, sshPort } from '../../helpers/ssh';

const hasDocker = inject('sshDocker');
const SCRIPT = 'tests/helpers/clients/asyncssh-client.py';

describe.skipIf(!hasDocker)('asyncssh', () => {
	let fx: ClientFixture;
	let knownHosts: string;
	// Debian's python3-asyncssh belongs to Debian's Python, whatever `python3` is first on PATH.
	const asyncssh = (keyFile: string, user: string, ...args: string[]) =>
		runClient('/usr/bin/python3', [SCRIPT, String(sshPort()), user, keyFile, knownHosts, ...args], { env: { PYTHONWARNINGS: 'ignore' } });

	beforeAll(async () => {
		fx = await clientFixture('asyncssh');
		knownHosts = await gatewayKnownHosts(fx.localPath('known_hosts'));
	});
	afterAll(() => removeTestContainers());

	it.each(['rsa4096', 'ecdsa256', 'ed25519'] as const)('runs a command with a %s key: output, stderr and exit status', async (type) => {
		const r = await asyncssh(fx.keys[type].privateFile, fx.slug, 'exec', 'echo out; echo err >&2; exit 3');
		expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
	});

	it('puts and gets a few MiB over SFTP with the same SHA-256 both ways', async () => {
		const up = await asyncssh(fx.key.privateFile, fx.slug, 'put', fx.source, '/tmp/asyncssh-up.bin');
		expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
		expect(await fx.remoteSha256('/tmp/asyncssh-up.bin')).toBe(fx.sourceSha256);
		const back = fx.localPath('asyncssh-down.bin');
		const down = await asyncssh(fx.key.privateFile, fx.slug, 'get', '/tmp/asyncssh-up.bin', back);
		expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: '' });
		expect(sha256File(back)).toBe(fx.sourceSha256);
	});

	it('copies a few MiB with scp (legacy protocol) with the same SHA-256 both ways', async () => {
		const up = await asyncssh(fx.key.privateFile, fx.slug, 'scp-put', fx.source, '/tmp/asyncssh-scp.bin');
		expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
		expect(await fx.remoteSha256('/tmp/asyncssh-scp.bin')).toBe(fx.sourceSha256);
		const back = fx.localPath('asyncssh-scp-down.bin');
		const down = await asyncssh(fx.key.privateFile, fx.slug, 'scp-get', '/tmp/asyncssh-scp.bin', back);
		expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: '' });
		expect(sha256File(back)).toBe(fx.sourceSha256);
	});

	it('starts exec and SFTP sessions in the container user\'s home directory', async () => {
		expect((await asyncssh(fx.key.privateFile, fx.slug, 'exec', 'pwd')).stdout).toBe('/root\n');
		expect((await asyncssh(fx.key.privateFile, fx.slug, 'pwd')).stdout).toBe('/root\n');
	});

	it('is refused with a key no account holds', async () => {
		const r = await asyncssh(fx.strangerKey.privateFile, fx.slug, 'exec', 'true');
		expect(r).toMatchObject({ code: 255, stderr: 'error: PermissionDenied: Permission denied\n' });
	});
});
