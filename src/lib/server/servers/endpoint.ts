/**
 * Parsing and checking Docker endpoints as users type them, shared by the input schema (so a 400
 * names the field) and by resolveDockerEndpoint (so a stored row is read the same way).
 *
 * Policy: the endpoint text is stored in clear, so it may not carry a password
 * (`ssh://user:pass@host` is refused: passwords go in `ssh.password`, which is encrypted). TCP
 * engines need TLS client certificates: a plain-TCP Docker API is root on its host for anyone who
 * can reach it. Credentials are parsed before they are stored, so a typo fails at once, not later.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import ssh2 from 'ssh2';

export type SshTarget = { host: string; port: number; username: string };
export type TcpTarget = { host: string; port: number };

function parsePort(text: string, fallback: number | null): number | null {
	if (text === '') return fallback;
	const port = Number(text);
	return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : null;
}

/** `[ipv6]` as URL.hostname gives it, without the brackets (what net.connect wants). */
function bareHost(hostname: string): string {
	return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** `host:port`, `tcp://host:port` or `https://host:port`; null when malformed. */
export function parseTcpEndpoint(endpoint: string): TcpTarget | null {
	const withScheme = /^[a-z]+:\/\//.test(endpoint) ? endpoint : `tcp://${endpoint}`;
	let url: URL;
	try {
		url = new URL(withScheme);
	} catch {
		return null;
	}
	if (!['tcp:', 'https:'].includes(url.protocol) || url.username || url.password) return null;
	if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash || !url.hostname) return null;
	const port = parsePort(url.port, null);
	return port === null ? null : { host: bareHost(url.hostname), port };
}

/** `ssh://user@host[:port]`; null when malformed or when it carries a password. */
export function parseSshEndpoint(endpoint: string): SshTarget | null {
	let url: URL;
	try {
		url = new URL(endpoint);
	} catch {
		return null;
	}
	if (url.protocol !== 'ssh:' || !url.username || url.password || !url.hostname) return null;
	if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) return null;
	const port = parsePort(url.port, 22);
	if (port === null) return null;
	return { host: bareHost(url.hostname), port, username: decodeURIComponent(url.username) };
}

export function isSocketPath(endpoint: string): boolean {
	return endpoint.startsWith('/') && !endpoint.includes('\0');
}

/** Why a PEM certificate (bundle) does not parse, or null. */
export function certificateProblem(pem: string): string | null {
	const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
	if (!blocks) return 'must be a PEM certificate';
	try {
		for (const block of blocks) new X509Certificate(block);
		return null;
	} catch {
		return 'is not a valid PEM certificate';
	}
}

export function privateKeyProblem(pem: string): string | null {
	try {
		createPrivateKey(pem);
		return null;
	} catch {
		return 'must be an unencrypted PEM private key';
	}
}

/** Why an SSH private key cannot be used as is (OpenSSH, PEM or PuTTY format; no passphrase), or null. */
export function sshPrivateKeyProblem(text: string): string | null {
	const parsed = ssh2.utils.parseKey(text);
	if (parsed instanceof Error) {
		return /passphrase/i.test(parsed.message) ? 'must not be passphrase-protected' : 'is not a valid SSH private key';
	}
	return parsed.isPrivateKey() ? null : 'must be a private key, not a public key';
}
