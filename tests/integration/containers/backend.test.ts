/**
 * The dockerode ContainerBackend against a real engine, as one conformance suite run over each way
 * of reaching it: the local socket, TCP with TLS client certificates (a TLS relay in front of the
 * local engine) and SSH (a throwaway sshd where docker-modem runs `docker system dial-stdio`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerExec, DockerEndpoint } from '../../../src/lib/server/containers/container-backend';
import { ContainerBackendError, isContainerBackendError } from '../../../src/lib/server/containers/container-backend';
import { createDockerodeBackend } from '../../../src/lib/server/containers/dockerode-backend';
import { DOCKER_SOCKET_PATH, ensureTestImage, removeTestContainers, requireDocker, startTestContainer } from '../../helpers/docker';
import { sshEngineUnavailableReason, startSshDockerHost, startTlsDockerProxy, type RemoteEngine } from '../../helpers/docker-endpoints';
import { waitFor } from '../../helpers/ssh';

const hasDocker = await requireDocker('Docker backend tests');
const sshUnavailable = sshEngineUnavailableReason();
if (hasDocker && sshUnavailable) console.warn(`[docker] skipping the SSH endpoint suite: ${sshUnavailable}`);

// The test engines (TLS relay, sshd) listen on loopback: named here as an operator would.
const backend = createDockerodeBackend({ allowPrivateHosts: ['localhost', '127.0.0.1'] });
const FIFTY_MIB = 50 * 1024 * 1024;

/** Everything an exec printed, and how it ended. */
async function collect(exec: ContainerExec) {
	const out: Buffer[] = [];
	const err: Buffer[] = [];
	exec.stdout.on('data', (d: Buffer) => out.push(d));
	exec.stderr?.on('data', (d: Buffer) => err.push(d));
	const exit = await exec.wait();
	return { ...exit, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** Reads until `pattern` shows up in a tty's output. */
function readUntil(exec: ContainerExec, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
	return new Promise((resolve, reject) => {
		let seen = '';
		const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${JSON.stringify(seen)}`)), timeoutMs);
		const onData = (d: Buffer) => {
			seen += d.toString();
			const match = seen.match(pattern);
			if (match) {
				clearTimeout(timer);
				exec.stdout.off('data', onData);
				resolve(match[0]);
			}
		};
		exec.stdout.on('data', onData);
	});
}

/** A 50 MiB random stream in 1 MiB chunks, hashed as it is produced (never held whole in memory). */
function randomStream(totalBytes: number, hash: ReturnType<typeof createHash>): Readable {
	let sent = 0;
	return new Readable({
		read() {
			if (sent >= totalBytes) return void this.push(null);
			const chunk = randomBytes(Math.min(1024 * 1024, totalBytes - sent));
			sent += chunk.length;
			hash.update(chunk);
			this.push(chunk);
		}
	});
}

type Variant = { label: string; skip: string | null; setup: () => Promise<{ endpoint: DockerEndpoint; stop(): Promise<void> }> };

const variants: Variant[] = [
	{ label: 'local socket', skip: null, setup: async () => ({ endpoint: { kind: 'socket', socketPath: DOCKER_SOCKET_PATH }, stop: async () => {} }) },
	{ label: 'TCP with TLS client certificates', skip: null, setup: () => startTlsDockerProxy() },
	{ label: 'SSH (docker system dial-stdio)', skip: sshUnavailable, setup: () => startSshDockerHost() }
];

beforeAll(async () => {
	if (hasDocker) await ensureTestImage();
}, 20 * 60_000);
afterAll(() => removeTestContainers());

describe.skipIf(!hasDocker).each(variants)('dockerode backend over $label', ({ skip, setup }) => {
	let engine: RemoteEngine;
	let container: string;
	const ref = () => ({ endpoint: engine.endpoint, container });

	beforeAll(async () => {
		if (skip) return;
		engine = await setup();
		container = (await startTestContainer('backend')).name;
	}, 60_000);
	afterAll(async () => engine?.stop());

	it.skipIf(skip)('runs without a tty: stdout and stderr apart, exit codes 0 and 3', async () => {
		const ok = await backend.exec(ref(), { cmd: ['sh', '-c', 'echo out; echo err >&2'], tty: false });
		ok.stdin.end();
		expect(await collect(ok)).toEqual({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
		const failed = await backend.exec(ref(), { cmd: ['sh', '-c', 'printf partial; echo oops >&2; exit 3'], tty: false, env: { GREETING: 'hi' } });
		failed.stdin.end();
		expect(await collect(failed)).toEqual({ exitCode: 3, stdout: 'partial', stderr: 'oops\n' });
		const env = await backend.exec(ref(), { cmd: ['sh', '-c', 'echo "$GREETING from $(pwd) as $(id -u)"'], tty: false, env: { GREETING: 'hi' }, workingDir: '/tmp', user: 'nobody' });
		env.stdin.end();
		expect(await collect(env)).toMatchObject({ exitCode: 0, stdout: 'hi from /tmp as 65534\n' });
	});

	it.skipIf(skip)('delivers stdin EOF: cat echoes what it got and exits once stdin ends', async () => {
		const cat = await backend.exec(ref(), { cmd: ['cat'], tty: false });
		const result = collect(cat);
		cat.stdin.write('first line\n');
		cat.stdin.end('last line\n');
		expect(await result).toEqual({ exitCode: 0, stdout: 'first line\nlast line\n', stderr: '' });
	});

	it.skipIf(skip)('runs with a tty: merged output, no stderr, initial size and resize visible to stty size', async () => {
		const shell = await backend.exec(ref(), { cmd: ['sh'], tty: true, cols: 100, rows: 30, env: { TERM: 'xterm' } });
		expect(shell.stderr).toBeNull();
		shell.stdin.write('stty size\n');
		expect(await readUntil(shell, /\d+ \d+\r\n/)).toBe('30 100\r\n');
		await shell.resize(132, 43);
		shell.stdin.write('stty size; echo "$TERM"; echo to-stderr >&2\n');
		expect(await readUntil(shell, /43 132\r\nxterm\r\nto-stderr\r\n/)).toBeTruthy();
		shell.stdin.write('exit 7\n');
		shell.stdout.resume();
		expect(await shell.wait()).toEqual({ exitCode: 7 });
	});

	it.skipIf(skip)('streams 50 MiB each way byte-identical, with bounded buffering for a slow reader', async () => {
		// In: 50 MiB of random bytes into sha256sum, through stdin with backpressure (pipeline).
		const sent = createHash('sha256');
		const sum = await backend.exec(ref(), { cmd: ['sh', '-c', 'tee /tmp/big | sha256sum'], tty: false });
		const summed = collect(sum);
		await pipeline(randomStream(FIFTY_MIB, sent), sum.stdin);
		const expected = sent.digest('hex');
		expect(await summed).toEqual({ exitCode: 0, stdout: `${expected}  -\n`, stderr: '' });

		// Out: the same bytes back through stdout, read slowly at first: what waits in our streams stays small.
		const head = await backend.exec(ref(), { cmd: ['head', '-c', String(FIFTY_MIB), '/tmp/big'], tty: false });
		head.stdin.end();
		head.stderr?.resume();
		await waitFor(async () => head.stdout.readableLength > 0, 10_000, 50);
		// Nothing to wait for: over this second of not reading, what waits in our streams must stay small.
		await new Promise((r) => setTimeout(r, 1_000));
		const waiting = head.stdout.readableLength;
		expect(waiting).toBeLessThan(1024 * 1024);
		const received = createHash('sha256');
		let bytes = 0;
		for await (const chunk of head.stdout) {
			received.update(chunk as Buffer);
			bytes += (chunk as Buffer).length;
		}
		expect(bytes).toBe(FIFTY_MIB);
		expect(received.digest('hex')).toBe(expected);
		expect(await head.wait()).toEqual({ exitCode: 0 });
	}, 120_000);

	it.skipIf(skip)('close() ends a running exec and its children, which Docker alone would leave running', async () => {
		const processes = async () => {
			const ps = await backend.exec(ref(), { cmd: ['sh', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "'], tty: false });
			ps.stdin.end();
			return (await collect(ps)).stdout;
		};
		const sleeper = await backend.exec(ref(), { cmd: ['sh', '-c', 'sleep 300 & sleep 301'], tty: true });
		sleeper.stdout.resume();
		// Started: both sleeps run (each name also shows once in the shell's own command line).
		await waitFor(async () => {
			const seen = await processes();
			return seen.split('sleep 300').length > 2 && seen.split('sleep 301').length > 2;
		}, 10_000, 100);
		sleeper.close();
		expect((await sleeper.wait()).exitCode).not.toBe(0);
		// The KILL round comes a second after HUP.
		await waitFor(async () => !/sleep 30[01]/.test(await processes()), 10_000, 200);
	});

	it.skipIf(skip)('signal() reaches the process and the ones it started: a trap runs and sets the exit code', async () => {
		const exec = await backend.exec(ref(), { cmd: ['sh', '-c', 'trap "echo got INT; exit 42" INT; echo ready; while :; do sleep 0.1; done'], tty: false });
		const out: Buffer[] = [];
		exec.stdout.on('data', (d: Buffer) => out.push(d));
		exec.stderr?.resume();
		await readUntil(exec, /ready\n/);
		await exec.signal('INT');
		expect(await exec.wait()).toEqual({ exitCode: 42 });
		expect(Buffer.concat(out).toString()).toBe('ready\ngot INT\n');
		exec.stdin.end();
	});

	it.skipIf(skip)('knows executables: sftp-server yes, /nope no', async () => {
		expect(await backend.hasExecutable(ref(), '/usr/lib/openssh/sftp-server')).toBe(true);
		expect(await backend.hasExecutable(ref(), '/nope')).toBe(false);
	});

	it.skipIf(skip)('reports running, stopped and missing, and starts and stops the container', async () => {
		expect(await backend.state(ref())).toBe('running');
		await backend.stop(ref());
		expect(await backend.state(ref())).toBe('stopped');
		await backend.stop(ref()); // already stopped: fine
		await expect(backend.exec(ref(), { cmd: ['true'], tty: false })).rejects.toMatchObject({ reason: 'not_running' });
		await backend.start(ref());
		await backend.start(ref()); // already running: fine
		expect(await backend.state(ref())).toBe('running');
		const missing = { endpoint: engine.endpoint, container: `missing-${randomBytes(4).toString('hex')}` };
		expect(await backend.state(missing)).toBe('missing');
		await expect(backend.start(missing)).rejects.toMatchObject({ name: 'ContainerBackendError', reason: 'missing' });
		await expect(backend.exec(missing, { cmd: ['true'], tty: false })).rejects.toBeInstanceOf(ContainerBackendError);
	}, 60_000);
});

describe.skipIf(!hasDocker)('dockerode backend over TLS when the network batches packets', () => {
	// Node's TLS shutdown discards whole records still queued in its read buffer. When the upgrade
	// headers and the first output arrive in one read, exec() resolves while that output is queued, so
	// a caller ending stdin at once must not lose it. The hop makes that arrival certain.
	it('keeps output that arrived in the same read as the upgrade when stdin ends at once', async () => {
		const proxy = await startTlsDockerProxy(undefined, { coalesceMs: 100 });
		const container = (await startTestContainer('tls-batch')).name;
		try {
			for (let i = 0; i < 5; i++) {
				const exec = await backend.exec({ endpoint: proxy.endpoint, container }, { cmd: ['sh', '-c', 'printf partial; echo oops >&2; exit 3'], tty: false });
				exec.stdin.end();
				expect(await collect(exec)).toEqual({ exitCode: 3, stdout: 'partial', stderr: 'oops\n' });
			}
		} finally {
			await proxy.stop();
		}
	}, 60_000);
});

describe.skipIf(!hasDocker)('dockerode backend refusals', () => {
	it('refuses a TLS engine whose certificate is not signed by the given CA, and works with the right one', async () => {
		const proxy = await startTlsDockerProxy();
		try {
			const ref = { endpoint: { ...proxy.endpoint, ca: proxy.material.otherCa } as DockerEndpoint, container: 'anything' };
			await expect(backend.state(ref)).rejects.toMatchObject({ reason: 'unreachable' });
			const noClientCert = { endpoint: { kind: 'tcp', host: 'localhost', port: (proxy.endpoint as { port: number }).port, ca: proxy.material.ca } as DockerEndpoint, container: 'anything' };
			await expect(backend.state(noClientCert)).rejects.toMatchObject({ reason: 'unreachable' });
			expect(await backend.state({ endpoint: proxy.endpoint, container: 'anything-missing' })).toBe('missing');
		} finally {
			await proxy.stop();
		}
	});

	it.skipIf(sshUnavailable)('refuses an SSH host whose key does not match the pinned fingerprint', async () => {
		const host = await startSshDockerHost();
		try {
			const wrong = { ...host.endpoint, hostKeyFingerprint: 'SHA256:' + 'A'.repeat(43) } as DockerEndpoint;
			await expect(backend.state({ endpoint: wrong, container: 'x' })).rejects.toMatchObject({ reason: 'unreachable' });
			expect(await backend.state({ endpoint: host.endpoint, container: 'x-missing' })).toBe('missing');
		} finally {
			await host.stop();
		}
	});

	it('refuses engines on loopback unless allowed: a literal IP and a name resolving to one, before any byte is sent', async () => {
		const strict = createDockerodeBackend();
		const proxy = await startTlsDockerProxy();
		const ssh = sshUnavailable ? null : await startSshDockerHost();
		try {
			const byName = { endpoint: proxy.endpoint, container: 'x' };
			const byAddress = { endpoint: { ...proxy.endpoint, host: '127.0.0.1' } as DockerEndpoint, container: 'x' };
			const v6 = { endpoint: { ...proxy.endpoint, host: '::ffff:127.0.0.1' } as DockerEndpoint, container: 'x' };
			for (const ref of [byName, byAddress, v6]) {
				await expect(strict.state(ref)).rejects.toMatchObject({ reason: 'blocked_address' });
				await expect(strict.inspect(ref)).rejects.toMatchObject({ reason: 'blocked_address' });
				await expect(strict.start(ref)).rejects.toMatchObject({ reason: 'blocked_address' });
			}
			if (ssh) await expect(strict.state({ endpoint: ssh.endpoint, container: 'x' })).rejects.toMatchObject({ reason: 'blocked_address' });
			expect(proxy.connections()).toBe(0);
			// The same engines, allowed by name.
			expect(await backend.state({ endpoint: proxy.endpoint, container: 'x-missing' })).toBe('missing');
			expect(proxy.connections()).toBeGreaterThan(0);
		} finally {
			await proxy.stop();
			await ssh?.stop();
		}
	});

	it('classifies its errors by a brand, not by class identity (the server entry and the bundle load two copies)', async () => {
		const ref = { endpoint: { kind: 'socket', socketPath: DOCKER_SOCKET_PATH } as DockerEndpoint, container: 'no-such-container-here' };
		const error = await backend.inspect(ref).catch((e: unknown) => e);
		expect(isContainerBackendError(error)).toBe(true);
		expect(error).toMatchObject({ reason: 'missing' });
		// A structurally equal error from another copy of the module carries the same registered symbol.
		const copy = Object.assign(new Error('x'), { name: 'ContainerBackendError', reason: 'missing', [Symbol.for('ocore.ContainerBackendError')]: true });
		expect(isContainerBackendError(copy)).toBe(true);
		expect(isContainerBackendError(Object.assign(new Error('x'), { name: 'ContainerBackendError', reason: 'missing' }))).toBe(false);
		expect(isContainerBackendError({ [Symbol.for('ocore.ContainerBackendError')]: true, reason: 'other' })).toBe(false);
	});

	it('answers within its budget when the engine is unreachable', async () => {
		const started = Date.now();
		const ref = { endpoint: { kind: 'socket', socketPath: '/nonexistent/docker.sock' } as DockerEndpoint, container: 'x' };
		await expect(backend.state(ref)).rejects.toMatchObject({ reason: 'unreachable' });
		expect(Date.now() - started).toBeLessThan(3_000);
	});
});
