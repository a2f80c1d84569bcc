/**
 * Every refusal, with the exact line the stock client prints, and a success beside each: unknown key,
 * password and keyboard-interactive, a nonexistent slug, an instance in an org the user is not in,
 * a role without view:instances, a stopped instance; port forwarding, agent forwarding and X11.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTestContainers } from '../../helpers/docker';
import { freePort } from '../../helpers/ocore-process';
import { api } from '../../helpers/http';
import { generateKey } from '../../helpers/ssh-keys';
import {
	createRole,
	gatewayFixture,
	knownHostsFile,
	memberOf,
	runClient,
	ssh,
	sshArgs,
	sshPort,
	uniqueName,
	waitFor,
	type GatewayFixture
} from '../../helpers/ssh';

const hasDocker = inject('sshDocker');

describe.skipIf(!hasDocker)('refusals', () => {
	let fx: GatewayFixture;
	let other: GatewayFixture;

	beforeAll(async () => {
		fx = await gatewayFixture('ref');
		other = await gatewayFixture('refo');
	});
	afterAll(() => removeTestContainers());

	it('an unregistered key gets a plain publickey failure', async () => {
		const stranger = generateKey('ed25519');
		const r = await ssh(stranger.privateFile, fx.slug, 'true');
		expect(r.code).toBe(255);
		expect(r.stdout).toBe('');
		expect(r.stderr).toBe(`${fx.slug}@127.0.0.1: Permission denied (publickey).\r\n`);
		// The registered key on the same instance gets in.
		expect(await ssh(fx.key.privateFile, fx.slug, 'true')).toMatchObject({ code: 0 });
	});

	it('password and keyboard-interactive are refused; only publickey is offered', async () => {
		const r = await runClient('ssh', [
			'-p', String(sshPort()),
			'-o', 'StrictHostKeyChecking=accept-new', '-o', `UserKnownHostsFile=${knownHostsFile()}`,
			'-o', 'BatchMode=yes', '-o', 'PubkeyAuthentication=no',
			'-o', 'PreferredAuthentications=password,keyboard-interactive',
			`${fx.slug}@127.0.0.1`, 'true'
		]);
		expect(r.code).toBe(255);
		expect(r.stderr).toContain(`${fx.slug}@127.0.0.1: Permission denied (publickey).`);
	});

	it('a slug that does not exist: Instance not found', async () => {
		const r = await ssh(fx.key.privateFile, uniqueName('nope'), 'true');
		expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'Instance not found\n' });
	});

	it('an instance of an org the user is not in: Instance not found, exactly like a missing slug', async () => {
		const r = await ssh(fx.key.privateFile, other.slug, 'true');
		expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'Instance not found\n' });
		// Its own owner gets in.
		expect(await ssh(other.key.privateFile, other.slug, 'echo in')).toMatchObject({ code: 0, stdout: 'in\n' });
	});

	it('a member whose role lacks view:instances: Permission denied: view:instances', async () => {
		await createRole(fx, 'no-instances', ['view:members']);
		const blind = await memberOf(fx, 'no-instances', 'blind');
		const r = await ssh(blind.key.privateFile, fx.slug, 'true');
		expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'Permission denied: view:instances\n' });
		// A Viewer holds view:instances and gets in.
		const viewer = await memberOf(fx, 'Viewer', 'viewer');
		expect(await ssh(viewer.key.privateFile, fx.slug, 'echo viewer')).toMatchObject({ code: 0, stdout: 'viewer\n' });
	});

	it('a stopped instance: Instance <slug> is stopped; started again, it answers', async () => {
		const stopped = await api('POST', `/api/instances/${fx.slug}/stop`, { token: fx.owner.token });
		expect(stopped.body.status).toBe('stopped');
		const r = await ssh(fx.key.privateFile, fx.slug, 'true');
		expect(r).toMatchObject({ code: 1, stdout: '', stderr: `Instance ${fx.slug} is stopped\n` });
		const started = await api('POST', `/api/instances/${fx.slug}/start`, { token: fx.owner.token });
		expect(started.body.status).toBe('running');
		expect(await ssh(fx.key.privateFile, fx.slug, 'echo back')).toMatchObject({ code: 0, stdout: 'back\n' });
	});

	it('refuses local port forwarding (ssh -N -L): the forwarded connection is administratively prohibited', async () => {
		const localPort = await freePort();
		const child = spawn('ssh', sshArgs(fx.key.privateFile, fx.slug, ['-v', '-N', '-L', `127.0.0.1:${localPort}:127.0.0.1:22`]), {
			stdio: ['ignore', 'ignore', 'pipe']
		});
		let stderr = '';
		child.stderr.on('data', (d) => (stderr += d));
		try {
			// Once ssh listens locally, a connection through the tunnel is opened and at once closed.
			const received = await waitFor(
				() =>
					new Promise<string | null>((resolve) => {
						const socket = connect(localPort, '127.0.0.1');
						let data = '';
						socket.on('data', (d) => (data += d));
						socket.on('error', () => resolve(null));
						socket.on('close', () => resolve(stderr.includes('administratively prohibited') ? `closed:${data}` : null));
					}),
				30_000,
				500
			);
			expect(received).toBe('closed:');
			expect(stderr).toContain('open failed: administratively prohibited');
		} finally {
			child.kill('SIGTERM');
		}
	});

	it('refuses stdio forwarding (ssh -W)', async () => {
		const r = await ssh(fx.key.privateFile, fx.slug, undefined, { extra: ['-v', '-W', '127.0.0.1:22'] });
		expect(r.code).toBe(255);
		expect(r.stderr).toContain('administratively prohibited');
		expect(r.stderr).toContain('stdio forwarding failed');
	});

	it('refuses remote port forwarding (-R)', async () => {
		const r = await ssh(fx.key.privateFile, fx.slug, 'sleep 2', { extra: ['-o', 'ExitOnForwardFailure=yes', '-R', '127.0.0.1:8022:127.0.0.1:22'] });
		expect(r.code).toBe(255);
		expect(r.stderr).toContain('remote port forwarding failed for listen port 8022');
	});

	it('refuses agent forwarding: no SSH_AUTH_SOCK in the session', async () => {
		const r = await ssh(fx.key.privateFile, fx.slug, 'echo "sock=$SSH_AUTH_SOCK"', {
			extra: ['-A'],
			env: { SSH_AUTH_SOCK: '/tmp/ocore-test-agent.sock' }
		});
		expect(r).toMatchObject({ code: 0, stdout: 'sock=\n' });
	});

	it('refuses X11 forwarding', async () => {
		const r = await ssh(fx.key.privateFile, fx.slug, 'echo "display=$DISPLAY"', {
			extra: ['-X', '-o', 'LogLevel=INFO'],
			env: { DISPLAY: ':99', XAUTHORITY: '/nonexistent' }
		});
		expect(r.code).toBe(0);
		expect(r.stdout).toBe('display=\n');
		expect(r.stderr).toContain('X11 forwarding request failed');
	});
});
