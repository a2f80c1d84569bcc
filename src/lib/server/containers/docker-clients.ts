/**
 * One dockerode client per Docker endpoint, made on first use and kept in a small cache.
 *
 * Policy: the cache key is a SHA-256 of the endpoint (secrets included), so changed credentials get a
 * new client and no secret is used as a map key in clear. TLS endpoints verify the engine's
 * certificate against the given CA (Node's default hostname check stays on). SSH endpoints run
 * `docker system dial-stdio` on the remote host (docker-modem's ssh transport); when a host key
 * fingerprint is pinned, any other host key is refused before authentication.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Docker from 'dockerode';
import type { DockerEndpoint } from './container-backend';

const MAX_CACHED_CLIENTS = 64;

export type DockerClientOptions = {
	/** How long an SSH handshake to a remote engine may take. */
	sshReadyTimeoutMs: number;
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

function createClient(endpoint: DockerEndpoint, options: DockerClientOptions): Docker {
	switch (endpoint.kind) {
		case 'socket':
			return new Docker({ socketPath: endpoint.socketPath });
		case 'tcp': {
			const tls = endpoint.ca !== undefined || endpoint.cert !== undefined || endpoint.key !== undefined;
			return new Docker({
				host: endpoint.host,
				port: endpoint.port,
				protocol: tls ? 'https' : 'http',
				ca: endpoint.ca,
				cert: endpoint.cert,
				key: endpoint.key
			});
		}
		case 'ssh': {
			const pinned = endpoint.hostKeyFingerprint;
			return new Docker({
				protocol: 'ssh',
				host: endpoint.host,
				port: endpoint.port,
				username: endpoint.username,
				// docker-modem copies its own `password` over sshOptions.password, so it goes here.
				...({ password: endpoint.password } as object),
				sshOptions: {
					privateKey: endpoint.privateKey,
					readyTimeout: options.sshReadyTimeoutMs,
					...(pinned ? { hostVerifier: (key: Buffer) => fingerprintMatches(key, pinned) } : {})
				}
			});
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
