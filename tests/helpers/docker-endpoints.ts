/**
 * The local Docker engine reached the two remote ways a server can be registered, so the backend's
 * TCP+TLS and SSH code paths run against a real engine in tests:
 * - TLS: a Node TLS server demanding a client certificate (CA, server and client certificates made
 *   with openssl), relaying each connection to the engine's unix socket with half-close preserved;
 * - SSH: a throwaway OpenSSH sshd (Debian's openssh-server) on a free port, key-only, where
 *   docker-modem runs `docker system dial-stdio`. It needs root (sshd, and root's access to the
 *   engine); without it, ssh tests are skipped with that reason.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import type { DockerEndpoint } from '../../src/lib/server/containers/container-backend';
import { DOCKER_SOCKET_PATH } from './docker';
import { waitFor } from './ssh';

const SSHD = '/usr/sbin/sshd';

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createNetServer();
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
		});
	});
}

export type TestTlsMaterial = { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string; otherCa: string };

/** A CA, a server certificate for localhost/127.0.0.1 and a client certificate, plus an unrelated CA. */
export function makeTlsMaterial(): TestTlsMaterial {
	const dir = mkdtempSync(path.join(tmpdir(), 'ocore-tls-'));
	const f = (name: string) => path.join(dir, name);
	const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
	const ca = (name: string) => ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.pem`), '-days', '2', '-subj', `/CN=${name}`);
	ca('ca');
	ca('other-ca');
	const leaf = (name: string, ext: string) => {
		ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${name}`);
		writeFileSync(f(`${name}.ext`), ext);
		ssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${name}.pem`), '-days', '2', '-extfile', f(`${name}.ext`));
	};
	leaf('server', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
	leaf('client', 'extendedKeyUsage=clientAuth\n');
	const read = (name: string) => readFileSync(f(name), 'utf8');
	return {
		ca: read('ca.pem'),
		serverCert: read('server.pem'),
		serverKey: read('server.key'),
		clientCert: read('client.pem'),
		clientKey: read('client.key'),
		otherCa: read('other-ca.pem')
	};
}

export type RemoteEngine = { endpoint: DockerEndpoint; stop(): Promise<void> };

/**
 * TLS with client certificates in front of the local engine.
 *
 * `coalesceMs`: a plain TCP hop in front of the relay holds what travels to the client for that long,
 * then sends it in one write, as a busy network delivers it. The client then reads the exec's
 * `101 UPGRADED` headers and the first output's TLS records in one read, deterministically.
 */
export async function startTlsDockerProxy(
	material = makeTlsMaterial(),
	options: { coalesceMs?: number } = {}
): Promise<RemoteEngine & { material: TestTlsMaterial; connections(): number }> {
	const open = new Set<{ destroy(): void }>();
	let connections = 0;
	const server = createTlsServer(
		{ key: material.serverKey, cert: material.serverCert, ca: material.ca, requestCert: true, rejectUnauthorized: true, allowHalfOpen: true },
		(client) => {
			const engine = netConnect({ path: DOCKER_SOCKET_PATH, allowHalfOpen: true });
			// pipe() ends the other side's write half on 'end', so stdin EOF crosses the relay, and it ends
			// only after what was written is flushed. Destroying on 'close' instead could drop that tail.
			client.pipe(engine);
			engine.pipe(client);
			client.on('error', () => engine.destroy());
			engine.on('error', () => client.destroy());
			client.on('close', () => engine.destroy());
		}
	);
	// Track raw connections, including those that never finish the handshake.
	server.on('connection', (socket) => {
		connections += 1;
		open.add(socket);
		socket.on('close', () => open.delete(socket));
	});
	const port = await freePort();
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	const hop = options.coalesceMs ? await startCoalescingHop(port, options.coalesceMs) : null;
	return {
		material,
		connections: () => connections,
		endpoint: { kind: 'tcp', host: 'localhost', port: hop?.port ?? port, ca: material.ca, cert: material.clientCert, key: material.clientKey },
		stop: () =>
			new Promise<void>((resolve) => {
				hop?.stop();
				server.close(() => resolve());
				// Kept-alive client connections would hold close() open.
				for (const socket of open) socket.destroy();
			})
	};
}

/** A TCP hop to 127.0.0.1:`port` that delivers each `delayMs` of downstream bytes in one write. */
async function startCoalescingHop(port: number, delayMs: number): Promise<{ port: number; stop(): void }> {
	const sockets = new Set<Socket>();
	const server = createNetServer({ allowHalfOpen: true }, (client) => {
		const upstream = netConnect({ port, host: '127.0.0.1', allowHalfOpen: true });
		for (const s of [client, upstream]) {
			sockets.add(s);
			s.on('close', () => sockets.delete(s));
		}
		client.pipe(upstream);
		let held: Buffer[] = [];
		let timer: NodeJS.Timeout | null = null;
		const flush = () => {
			timer = null;
			if (held.length === 0) return;
			const ok = client.write(Buffer.concat(held));
			held = [];
			if (!ok) {
				upstream.pause();
				client.once('drain', () => upstream.resume());
			}
		};
		upstream.on('data', (chunk: Buffer) => {
			held.push(chunk);
			timer ??= setTimeout(flush, delayMs);
		});
		upstream.on('end', () => {
			if (timer) clearTimeout(timer);
			flush();
			client.end();
		});
		client.on('error', () => upstream.destroy());
		upstream.on('error', () => client.destroy());
		client.on('close', () => upstream.destroy());
	});
	const hopPort = await freePort();
	await new Promise<void>((resolve) => server.listen(hopPort, '127.0.0.1', resolve));
	return {
		port: hopPort,
		stop: () => {
			server.close();
			for (const s of sockets) s.destroy();
		}
	};
}

/** Why an sshd for Docker-over-SSH cannot be started here, or null. */
export function sshEngineUnavailableReason(): string | null {
	if (process.getuid?.() !== 0) return 'sshd for Docker-over-SSH needs root';
	if (!existsSync(SSHD)) return `${SSHD} is missing (apt-get install openssh-server)`;
	return null;
}

/**
 * An sshd on a free port accepting one fresh ed25519 key for root; `docker` must be on its PATH.
 * `extraConfig`: more sshd_config lines (the gateway benchmark points HOME at an empty folder, so the
 * machine's root shell start-up files do not count as sshd's time).
 */
export async function startSshDockerHost(extraConfig: string[] = []): Promise<RemoteEngine & { hostKeyFingerprint: string; privateKey: string }> {
	const dir = mkdtempSync(path.join(tmpdir(), 'ocore-sshd-'));
	const f = (name: string) => path.join(dir, name);
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', f('host_key')]);
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', f('client_key')]);
	writeFileSync(f('authorized_keys'), readFileSync(f('client_key.pub')), { mode: 0o600 });
	const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', f('host_key.pub')], { encoding: 'utf8' }).split(' ')[1]!;
	const port = await freePort();
	writeFileSync(
		f('sshd_config'),
		[
			`Port ${port}`,
			'ListenAddress 127.0.0.1',
			`HostKey ${f('host_key')}`,
			`AuthorizedKeysFile ${f('authorized_keys')}`,
			`PidFile ${f('sshd.pid')}`,
			'PermitRootLogin prohibit-password',
			'PasswordAuthentication no',
			'KbdInteractiveAuthentication no',
			'UsePAM no',
			'StrictModes no',
			'UseDNS no',
			...extraConfig
		].join('\n') + '\n'
	);
	mkdirSync('/run/sshd', { recursive: true }); // privilege-separation directory sshd insists on
	const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', f('sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
	let log = '';
	child.stderr?.on('data', (d) => (log += d));
	await waitFor(async () => log.includes('Server listening') || child.exitCode !== null, 10_000, 50).catch(() => false);
	if (!log.includes('Server listening')) throw new Error(`sshd did not start: ${log}`);
	return {
		hostKeyFingerprint: fingerprint,
		privateKey: readFileSync(f('client_key'), 'utf8'),
		endpoint: {
			kind: 'ssh',
			host: '127.0.0.1',
			port,
			username: 'root',
			privateKey: readFileSync(f('client_key'), 'utf8'),
			hostKeyFingerprint: fingerprint
		},
		stop: async () => {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			await new Promise((r) => child.once('exit', r));
		}
	};
}
