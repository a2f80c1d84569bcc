/**
 * lftp's sftp:// (Debian 12's lftp 4.9, scripted mirroring and deploys) against the gateway. lftp
 * speaks SFTP itself over a connection program, OpenSSH's ssh here as by default, so the keys are
 * whatever ssh supports: RSA 4096, ECDSA P-256 and Ed25519 each sign in. Also a few MiB both ways
 * with the same SHA-256, the directory the session starts in, and a refusal. lftp has no exec and no
 * scp.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTestContainers } from '../../helpers/docker';
import { clientFixture, sha256File, type ClientFixture } from '../../helpers/ssh-clients';
import { clientOptions, runClient, ssh, sshPort } from '../../helpers/ssh';
import type { GeneratedKey } from '../../helpers/ssh-keys';

const hasDocker = inject('sshDocker');

describe.skipIf(!hasDocker)('lftp', () => {
	let fx: ClientFixture;
	/** One lftp script: open the instance with the key (empty password: lftp never asks), then `commands`. */
	const lftp = (key: GeneratedKey, commands: string[], user = fx.slug) => {
		const connect = ['ssh', '-a', '-x', ...clientOptions(key.privateFile)].join(' ');
		const script = [
			'set cmd:fail-exit yes',
			'set net:max-retries 1',
			`set sftp:connect-program "${connect}"`,
			`open -u ${user}, -p ${sshPort()} sftp://127.0.0.1`,
			...commands
		].join('; ');
		return runClient('lftp', ['-c', script], { timeoutMs: 60_000 });
	};

	beforeAll(async () => {
		fx = await clientFixture('lftp');
	});
	afterAll(() => removeTestContainers());

	it.each(['rsa4096', 'ecdsa256', 'ed25519'] as const)('signs in with a %s key and lists the home directory', async (type) => {
		expect((await ssh(fx.key.privateFile, fx.slug, 'touch /root/lftp-was-here')).code).toBe(0);
		const r = await lftp(fx.keys[type], ['cls -1']);
		expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
		expect(r.stdout.split('\n')).toContain('lftp-was-here');
	});

	it('puts and gets a few MiB with the same SHA-256 both ways', async () => {
		const back = fx.localPath('lftp-down.bin');
		const r = await lftp(fx.key, [`put ${fx.source} -o /tmp/lftp-up.bin`, `get /tmp/lftp-up.bin -o ${back}`]);
		expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
		expect(await fx.remoteSha256('/tmp/lftp-up.bin')).toBe(fx.sourceSha256);
		expect(sha256File(back)).toBe(fx.sourceSha256);
	});

	it('is refused with a key no account holds', async () => {
		const r = await lftp(fx.strangerKey, ['cls -1']);
		expect(r.code).not.toBe(0);
		expect(r.stderr).toContain('Permission denied (publickey)');
	});
});
