/**
 * Sessions through the gateway with the stock OpenSSH client: a shell with a pty, exec exit codes and
 * signals (and, from ssh2's client, signals sent to the command), stdout/stderr kept apart, the env allow-list, both user-name forms, the documented
 * ~/.ssh/config block, and an RSA key (rsa-sha2 signatures). Each success has its failure beside it.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { UNEXPANDED_USERNAME_MESSAGE } from '../../../ssh-gateway/core/rejections';
import { removeTestContainers } from '../../helpers/docker';
import { addKey, gatewayFixture, runClient, ssh, sshPort, writeSshConfig, type GatewayFixture } from '../../helpers/ssh';

const hasDocker = inject('sshDocker');

describe.skipIf(!hasDocker)('SSH sessions', () => {
	let fx: GatewayFixture;

	beforeAll(async () => {
		fx = await gatewayFixture('sess');
	});
	afterAll(() => removeTestContainers());

	it('runs a shell with a pty: TERM and the window size reach the container', async () => {
		const r = await ssh(fx.key.privateFile, fx.slug, undefined, {
			extra: ['-tt'],
			env: { TERM: 'vt220' },
			input: 'echo "term=$TERM"; stty size; exit\n'
		});
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('term=vt220\r\n');
		// No local terminal: OpenSSH asks for 80x24.
		expect(r.stdout).toContain('24 80\r\n');
	});

	it('without a pty there is no terminal (the negative of the above)', async () => {
		const r = await ssh(fx.key.privateFile, fx.slug, 'stty size');
		expect(r.code).toBe(1);
		expect(r.stdout).toBe('');
		expect(r.stderr).toContain('stty: ');
	});

	it('passes exit statuses back, and keeps stdout and stderr apart', async () => {
		const ok = await ssh(fx.key.privateFile, fx.slug, 'echo out; echo err >&2; exit 0');
		expect(ok).toMatchObject({ code: 0, stdout: 'out\n', stderr: 'err\n' });
		const three = await ssh(fx.key.privateFile, fx.slug, 'exit 3');
		expect(three).toMatchObject({ code: 3, stdout: '', stderr: '' });
	});

	it('passes a signal back: ssh exits 255 after the exit-signal request', async () => {
		const r = await ssh(fx.key.privateFile, fx.slug, 'kill -TERM $$', { extra: ['-v'] });
		expect(r.code).toBe(255);
		expect(r.stderr).toContain('rtype exit-signal');
		expect(r.stderr).not.toContain('rtype exit-status');
	});

	// OpenSSH's client has no way to send a signal request, so ssh2's client (a complete SSH client
	// library, as IDEs and automation use) sends it.
	// The names outside RFC 4254 are refused by the channel policy (unit tests); ssh2's client will not
	// even send them.
	it('delivers a signal the client sends to the command: its trap runs and sets the exit status', async () => {
		const result = await new Promise<{ output: string; code: number | null }>((resolve, reject) => {
			const client = new Client();
			const timer = setTimeout(() => reject(new Error('no exit within 20 s')), 20_000);
			client.on('error', reject);
			client.on('ready', () => {
				client.exec('trap "echo got INT; exit 42" INT; echo ready; while :; do sleep 0.1; done', (err, stream) => {
					if (err) return reject(err);
					let output = '';
					stream.on('data', (d: Buffer) => {
						output += d;
						if (output === 'ready\n') stream.signal('INT');
					});
					stream.stderr.resume();
					stream.on('exit', (code: number | null) => {
						clearTimeout(timer);
						client.end();
						resolve({ output, code });
					});
				});
			});
			client.connect({ host: '127.0.0.1', port: sshPort(), username: fx.slug, privateKey: readFileSync(fx.key.privateFile) });
		});
		expect(result).toEqual({ output: 'ready\ngot INT\n', code: 42 });
	});

	it('exec with a pty gets the size before the command runs', async () => {
		const r = await ssh(fx.key.privateFile, fx.slug, 'stty size', { extra: ['-tt'] });
		expect(r).toMatchObject({ code: 0, stdout: '24 80\r\n' });
	});

	it('accepts LANG, LC_* and TERM from the client and ignores other variables', async () => {
		const r = await ssh(fx.key.privateFile, fx.slug, 'echo "lang=$LANG lc=$LC_TIME secret=$AWS_SECRET path=$OCORE_PATH_TEST"', {
			extra: ['-o', 'SetEnv=LANG=C.UTF-8 LC_TIME=C AWS_SECRET=leak OCORE_PATH_TEST=/evil']
		});
		expect(r).toMatchObject({ code: 0, stdout: 'lang=C.UTF-8 lc=C secret= path=\n' });
	});

	it('takes the slug with and without the ocore- prefix', async () => {
		for (const user of [fx.slug, `ocore-${fx.slug}`]) {
			const r = await ssh(fx.key.privateFile, user, 'echo hi');
			expect(r).toMatchObject({ code: 0, stdout: 'hi\n', stderr: '' });
		}
		const wrong = await ssh(fx.key.privateFile, `other-${fx.slug}`, 'echo hi');
		expect(wrong).toMatchObject({ code: 1, stdout: '', stderr: 'Instance not found\n' });
	});

	it('the README ~/.ssh/config block (Host ocore-* / User %n): connects where ssh expands %n, explains itself where not', async () => {
		const config = writeSshConfig(fx.key.privateFile);
		const host = `ocore-${fx.slug}`;
		// OpenSSH expands tokens in User only in releases after 9.2 (Debian bookworm's 9.2 sends "%n" as is).
		const resolved = await runClient('ssh', ['-G', '-F', config, host]);
		const expands = resolved.stdout.split('\n').includes(`user ${host}`);
		const r = await runClient('ssh', ['-F', config, host, 'echo via-config']);
		if (expands) {
			expect(r).toMatchObject({ code: 0, stdout: 'via-config\n', stderr: '' });
			const unknown = await runClient('ssh', ['-F', config, `ocore-no-such-${fx.slug}`, 'true']);
			expect(unknown).toMatchObject({ code: 1, stderr: 'Instance not found\n' });
		} else {
			expect(resolved.stdout.split('\n')).toContain('user %n');
			expect(r).toMatchObject({ code: 1, stdout: '', stderr: `${UNEXPANDED_USERNAME_MESSAGE}\n` });
		}
	});

	it('the same block with the slug as User works on every OpenSSH (the fallback the README gives)', async () => {
		const config = writeSshConfig(fx.key.privateFile, 'ocore-', fx.slug);
		const r = await runClient('ssh', ['-F', config, `ocore-${fx.slug}`, 'echo via-config']);
		expect(r).toMatchObject({ code: 0, stdout: 'via-config\n', stderr: '' });
	});

	it('authenticates an RSA key with an rsa-sha2 signature', async () => {
		const rsa = await addKey(fx.owner, 'rsa', 4096);
		const r = await ssh(rsa.privateFile, fx.slug, 'echo rsa', { extra: ['-o', 'PubkeyAcceptedAlgorithms=rsa-sha2-256'] });
		expect(r).toMatchObject({ code: 0, stdout: 'rsa\n' });
		// The same key signing with SHA-1 (ssh-rsa) is refused.
		const sha1 = await ssh(rsa.privateFile, fx.slug, 'echo rsa', { extra: ['-o', 'PubkeyAcceptedAlgorithms=ssh-rsa'] });
		expect(sha1.code).toBe(255);
		expect(sha1.stderr).toContain('Permission denied (publickey)');
	});
});
