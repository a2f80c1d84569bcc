/**
 * The SSH front door: an ssh2 Server on SSH_HOST:SSH_PORT that authenticates public keys, asks the
 * gateway core for a connection, and maps session channels onto it (ssh-gateway/ssh/session.ts).
 *
 * Policy:
 * - the TCP listener is ours, not ssh2's: every accepted socket passes admission.ts first (caps on
 *   unauthenticated connections per address and in total, the identification line within
 *   SSH_IDENT_TIMEOUT_SECONDS and authentication within SSH_LOGIN_GRACE_SECONDS of accept), and only
 *   then is handed to ssh2 (Server.injectSocket), which would otherwise wait for the ident forever;
 * - public key only (see auth.ts); at most MAX_AUTH_ATTEMPTS attempts;
 * - a user holds at most SSH_MAX_CONNECTIONS_PER_USER authenticated connections (the core counts
 *   them); beyond it the connection authenticates, hears `Connection limit reached` on its first
 *   session channel and is dropped after HANG_UP_GRACE_MS whether or not it opened one;
 * - a failed handshake and a key refused at the probe or the signed request leave one operator
 *   line each, rate-limited and without key material (refusal-log.ts);
 * - an unknown key fails like any SSH server fails it (`Permission denied (publickey)`); a known
 *   key whose user is refused by policy authenticates, and the refusal line is printed on the
 *   first session channel, after which the connection ends;
 * - port forwarding (direct-tcpip, tcpip-forward, streamlocal), X11 and agent forwarding are
 *   refused; only session channels exist;
 * - the idle timeout and revocation end the connection with the core's message on stderr.
 */
import { createServer, type Socket } from 'node:net';
import ssh2, { type Connection, type PublicKeyAuthContext } from 'ssh2';
import type { GatewayConnection } from '../core/connection';
import type { GatewayCore } from '../core/gateway';
import type { GatewayLog } from '../core/log';
import { createAdmission, type Admission, type AdmissionLimits } from './admission';
import { gatewayAlgorithms } from './algorithms';
import { checkPublicKey } from './auth';
import { fingerprintOf } from '../../src/lib/server/ssh-keys/parse';
import { createRefusalLog, type RefusalLog } from './refusal-log';
import { loadHostKeys, serverHostKeys, type HostKey } from './host-keys';
import { bindSession } from './session';

export const MAX_AUTH_ATTEMPTS = 10;
/** After a refusal or a forced end, the client gets this long to hang up before it is disconnected. */
const HANG_UP_GRACE_MS = 2000;

export type SshGatewayOptions = {
	core: GatewayCore;
	dataDir: string;
	host: string;
	port: number;
	log: GatewayLog;
	limits: AdmissionLimits;
};

export type SshGateway = {
	port: number;
	hostKeys: HostKey[];
	close(): Promise<void>;
};

/** ssh2 does not expose a client's socket; it keeps it as `_sock`. */
function socketOf(client: Connection): Socket | undefined {
	return (client as unknown as { _sock?: Socket })._sock;
}

function handleClient(
	client: Connection,
	info: { ip: string; header: { identRaw: string } },
	options: SshGatewayOptions,
	admission: Admission | undefined,
	refusals: RefusalLog
) {
	const { core } = options;
	admission?.identified();
	// Small packets (window adjustments, keystrokes) must not wait for Nagle's algorithm: with it, an
	// upload stalls on every window adjustment (measured: 3x slower).
	socketOf(client)?.setNoDelay?.(true);
	let connection: GatewayConnection | undefined;
	let attempts = 0;
	let ended = false;
	let authenticated = false;
	const openSessions = new Set<unknown>();

	const hangUp = (delayMs: number) => {
		const timer = setTimeout(() => {
			if (ended) return;
			client.end();
			// A client that never closes its side does not keep the socket.
			setTimeout(() => socketOf(client)?.destroy(), HANG_UP_GRACE_MS).unref();
		}, delayMs);
		timer.unref();
	};

	// Before authentication, a protocol error is a failed handshake (no common algorithm, a malformed
	// packet); resets and timeouts are not (the admission's clocks log those).
	client.on('error', (err: Error & { level?: string }) => {
		if (authenticated || (err.level !== 'handshake' && err.level !== 'protocol')) return;
		refusals.handshakeFailed({ clientIp: info.ip, clientSoftware: info.header.identRaw, reason: err.message });
	});
	client.on('close', () => {
		ended = true;
		connection?.close('closed');
	});

	client.on('authentication', (ctx) => {
		if (++attempts > MAX_AUTH_ATTEMPTS) {
			client.end();
			return;
		}
		if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
		void authenticateKey(ctx).catch((err) => {
			options.log.error('ssh authentication failed with an error', { error: err instanceof Error ? err.message : String(err) });
			ctx.reject(['publickey']);
		});
	});

	async function authenticateKey(ctx: PublicKeyAuthContext) {
		const check = checkPublicKey(ctx);
		const refuse = (reason: string) => {
			refusals.keyRefused({ clientIp: info.ip, username: ctx.username, algorithm: ctx.key.algo.slice(0, 64), fingerprint: fingerprintOf(ctx.key.data), reason });
			ctx.reject(['publickey']);
		};
		if (check.kind === 'invalid') return refuse(check.why);
		if (check.kind === 'probe') {
			return (await core.directory.findKeyOwner(check.fingerprint)) ? ctx.accept() : refuse('unknown key');
		}
		const candidate = await core.connect({
			credential: { kind: 'key', fingerprint: check.fingerprint },
			username: ctx.username,
			clientIp: info.ip,
			transport: 'ssh',
			clientSoftware: info.header.identRaw
		});
		if (candidate.rejection?.code === 'unknown_key') {
			candidate.close('closed');
			return refuse('unknown key');
		}
		if (ended) return candidate.close('closed');
		connection = candidate;
		connection.onEnd(() => {
			// Sessions have written their message and closed; give the client a moment to hang up itself.
			hangUp(openSessions.size === 0 ? 0 : HANG_UP_GRACE_MS);
		});
		ctx.accept();
	}

	client.on('ready', () => {
		authenticated = true;
		admission?.authenticated();
		// Over the per-user cap: the first session channel says so; the connection goes either way.
		if (connection?.rejection?.code === 'connection_limit') hangUp(HANG_UP_GRACE_MS);
		client.on('session', (accept) => {
			const session = accept();
			const token = {};
			openSessions.add(token);
			session.on('close', () => openSessions.delete(token));
			bindSession(session, connection!.channel(), {
				onRefused: () => hangUp(HANG_UP_GRACE_MS),
				onForcedEnd: () => hangUp(HANG_UP_GRACE_MS)
			});
		});
		// No 'tcpip' or 'openssh.streamlocal' listener: ssh2 then refuses direct-tcpip and streamlocal
		// channels as "administratively prohibited", which is what OpenSSH shows. Global requests
		// (tcpip-forward, streamlocal-forward, ...) are refused here.
		client.on('request', (_accept, reject) => reject?.());
	});
}

export async function startSshGateway(options: SshGatewayOptions): Promise<SshGateway> {
	const hostKeys = loadHostKeys(options.dataDir);
	const admission = createAdmission(options.limits, options.log);
	const refusals = createRefusalLog(options.log);
	const admitted = new WeakMap<Socket, Admission>();
	/** Accepted sockets whose identification line has not arrived: no ssh2 client to end politely. */
	const silent = new Set<Socket>();
	const clients = new Set<Connection>();
	const ssh = new ssh2.Server({ hostKeys: serverHostKeys(hostKeys), algorithms: gatewayAlgorithms(), ident: 'oCore' }, (client, info) => {
		const socket = socketOf(client);
		if (socket) silent.delete(socket);
		clients.add(client);
		client.on('close', () => clients.delete(client));
		handleClient(client, info, options, socket ? admitted.get(socket) : undefined, refusals);
	});
	ssh.on('error', (err: Error) => options.log.error('ssh server error', { error: err.message }));
	const server = createServer((socket) => {
		const passage = admission.admit(socket);
		if (!passage) return;
		admitted.set(socket, passage);
		silent.add(socket);
		socket.once('close', () => silent.delete(socket));
		ssh.injectSocket(socket);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	server.on('error', (err: Error) => options.log.error('ssh server error', { error: err.message }));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : options.port;
	return {
		port,
		hostKeys,
		/** Stops listening and ends the clients; the core is stopped by its owner (start.ts). */
		async close() {
			const closing = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const client of clients) client.end();
			for (const socket of silent) socket.destroy();
			await closing;
		}
	};
}
