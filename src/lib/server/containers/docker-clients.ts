/**
 * One dockerode client per Docker endpoint, made on first use and kept in a small cache.
 *
 * Policy: the cache key is a SHA-256 of the endpoint (secrets included), so changed credentials get a
 * new client and no secret is used as a map key in clear. TLS endpoints verify the engine's
 * certificate against the given CA (Node's default hostname check stays on). SSH endpoints run
 * `docker system dial-stdio` on the remote host; when a host key fingerprint is pinned, any other
 * host key is refused before authentication.
 *
 * Engine addresses (tcp and ssh) follow the outbound fetcher's address policy (net/address-policy):
 * a host name is resolved by a guarded lookup inside the socket's own connect, so a name that
 * resolves to a loopback, private, link-local or metadata address is refused on the very answer the
 * connection would use; a literal IP is judged before any socket exists. Hosts named in
 * DOCKER_ALLOW_PRIVATE_HOSTS skip the check. The ssh transport is ours rather than docker-modem's,
 * because docker-modem's opens its own socket with no lookup hook.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { connect as netConnect, isIP, type LookupFunction } from 'node:net';
import Docker from 'dockerode';
import ssh2 from 'ssh2';
import { isExemptHost, judgeAddress } from '../net/address-policy';
import { BlockedAddressError, guardedLookup, systemLookup } from '../net/guarded-lookup';
import type { DockerEndpoint } from './container-backend';

const MAX_CACHED_CLIENTS = 64;

export type DockerClientOptions = {
	/** How long an SSH handshake to a remote engine may take. */
	sshReadyTimeoutMs: number;
	/** Hosts (names or IPs, exactly as registered) that may be on private or loopback addresses. */
	allowPrivateHosts: readonly string[];
};

function cacheKey(endpoint: DockerEndpoint): string {
	return createHash('sha256').update(JSON.stringify(endpoint)).digest('hex');
}

/** `SHA256:<base64, no padding>` of a raw SSH host key, as `ssh-keygen -lf` prints it. */
export function sshHostKeyFingerprint(key: Buffer): string {
	return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

function fingerprintMatches(key: Buffer, expected: string): boolean {
	const actual = Buffer.from(sshHostKeyFingerprint(key));
	const wanted = Buffer.from(expected);
	return actual.length === wanted.length && timingSafeEqual(actual, wanted);
}

/**
 * The lookup a connection to `host` uses. A literal IP never reaches a lookup (sockets skip it), so it
 * is judged here and a refused one throws BlockedAddressError at once.
 */
function lookupFor(host: string, options: DockerClientOptions): LookupFunction {
	if (isExemptHost(host, options.allowPrivateHosts)) return systemLookup;
	if (isIP(host)) {
		const verdict = judgeAddress(host);
		if (!verdict.allowed) throw new BlockedAddressError(host, verdict.range);
		return systemLookup;
	}
	return guardedLookup();
}

/**
 * An http.Agent whose every connection is a fresh SSH session running `docker system dial-stdio`,
 * over a socket we open with the guarded lookup. Errors reach the request, so dockerode rejects.
 */
function sshDialAgent(endpoint: Extract<DockerEndpoint, { kind: 'ssh' }>, lookup: LookupFunction, readyTimeoutMs: number): http.Agent {
	const pinned = endpoint.hostKeyFingerprint;
	const agent = new http.Agent();
	agent.createConnection = (_options, callback) => {
		const client = new ssh2.Client();
		const sock = netConnect({ host: endpoint.host, port: endpoint.port, lookup });
		let settled = false;
		const fail = (err: Error) => {
			client.end();
			sock.destroy();
			if (settled) return;
			settled = true;
			callback?.(err, undefined as never);
		};
		sock.once('error', fail);
		client.on('error', fail);
		client.once('ready', () => {
			client.exec('docker system dial-stdio', (err, stream) => {
				if (err) return fail(err);
				settled = true;
				stream.once('close', () => client.end());
				callback?.(null, stream as never);
			});
		});
		client.connect({
			sock,
			username: endpoint.username,
			privateKey: endpoint.privateKey,
			password: endpoint.password,
			readyTimeout: readyTimeoutMs,
			...(pinned ? { hostVerifier: (key: Buffer) => fingerprintMatches(key, pinned) } : {})
		});
		return undefined;
	};
	return agent;
}

/** docker-modem takes an `agent`; dockerode's type definitions do not say so. */
type ModemOptions = Docker.DockerOptions & { agent: http.Agent };

function createClient(endpoint: DockerEndpoint, options: DockerClientOptions): Docker {
	switch (endpoint.kind) {
		case 'socket':
			return new Docker({ socketPath: endpoint.socketPath });
		case 'tcp': {
			const lookup = lookupFor(endpoint.host, options);
			const tls = endpoint.ca !== undefined || endpoint.cert !== undefined || endpoint.key !== undefined;
			// The same settings as Node's global agents, plus the guarded lookup.
			const agentOptions = { keepAlive: true, scheduling: 'lifo' as const, timeout: 5_000, lookup };
			const tcpOptions: ModemOptions = {
				host: endpoint.host,
				port: endpoint.port,
				protocol: tls ? 'https' : 'http',
				ca: endpoint.ca,
				cert: endpoint.cert,
				key: endpoint.key,
				agent: tls ? new https.Agent(agentOptions) : new http.Agent(agentOptions)
			};
			return new Docker(tcpOptions);
		}
		case 'ssh': {
			const sshOptions: ModemOptions = {
				protocol: 'http',
				host: endpoint.host,
				port: endpoint.port,
				agent: sshDialAgent(endpoint, lookupFor(endpoint.host, options), options.sshReadyTimeoutMs)
			};
			return new Docker(sshOptions);
		}
	}
}

export class DockerClients {
	private readonly clients = new Map<string, Docker>();

	constructor(private readonly options: DockerClientOptions) {}

	get(endpoint: DockerEndpoint): Docker {
		const key = cacheKey(endpoint);
		const cached = this.clients.get(key);
		if (cached) {
			// Re-insert, so the map's insertion order is least-recently-used first.
			this.clients.delete(key);
			this.clients.set(key, cached);
			return cached;
		}
		const client = createClient(endpoint, this.options);
		this.clients.set(key, client);
		if (this.clients.size > MAX_CACHED_CLIENTS) {
			const oldest = this.clients.keys().next().value;
			if (oldest !== undefined) this.clients.delete(oldest);
		}
		return client;
	}
}
