/**
 * The handshake's clock and the connection caps, with raw TCP sockets and stock OpenSSH against a
 * shipped server of its own (short limits): a socket that never sends its identification line is
 * closed after SSH_IDENT_TIMEOUT_SECONDS, one that never authenticates after SSH_LOGIN_GRACE_SECONDS
 * counted from accept; beyond SSH_MAX_UNAUTHENTICATED_PER_IP (per source address) or
 * SSH_MAX_UNAUTHENTICATED (in total) a new socket is dropped before any byte is sent, while a real
 * client from another address still gets in; a user holds at most SSH_MAX_CONNECTIONS_PER_USER
 * authenticated connections. No container is needed (so this runs without Docker too): a user with a
 * key and no instance is refused with "Instance not found" after authenticating, which proves the
 * connection was admitted.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail, uniqueIp } from '../../helpers/app';
import { startOcoreProcess, type OcoreProcess } from '../../helpers/ocore-process';
import { knownHostsFile, runClient, waitFor } from '../../helpers/ssh';
import { generateKey, type GeneratedKey } from '../../helpers/ssh-keys';

const IDENT_TIMEOUT_SECONDS = 2;
const LOGIN_GRACE_SECONDS = 10;
const MAX_PER_IP = 4;
const MAX_TOTAL = 10;
const MAX_CONNECTIONS_PER_USER = 2;
/** How late a close may come on a busy machine and still count as "on time". */
const SLACK_MS = 3000;

type Raw = {
	socket: Socket;
	/** Everything the server sent. */
	received(): string;
	/** Milliseconds from connect to the server closing the socket. */
	closed: Promise<number>;
	isClosed(): boolean;
};

function openRaw(port: number, localAddress: string): Promise<Raw> {
	return new Promise((resolve, reject) => {
		const socket = connect({ host: '127.0.0.1', port, localAddress });
		let data = '';
		let closed = false;
		let openedAt = 0;
		const closedPromise = new Promise<number>((done) => {
			socket.on('close', () => {
				closed = true;
				done(performance.now() - openedAt);
			});
		});
		socket.on('data', (d) => (data += d.toString('latin1')));
		socket.on('error', () => {});
		socket.once('connect', () => {
			openedAt = performance.now();
			resolve({ socket, received: () => data, closed: closedPromise, isClosed: () => closed });
		});
		socket.once('error', reject);
	});
}

/** A socket the gateway admitted: it sent its own identification line. */
async function admitted(port: number, localAddress: string, sendIdent = true): Promise<Raw> {
	const raw = await openRaw(port, localAddress);
	if (sendIdent) raw.socket.write('SSH-2.0-silent_after_ident\r\n');
	await waitFor(async () => raw.received().startsWith('SSH-2.0-') || raw.isClosed(), 5000, 20);
	if (!raw.received().startsWith('SSH-2.0-')) throw new Error(`not admitted from ${localAddress}`);
	return raw;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	return Promise.race([
		promise,
		new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))
	]);
}

describe('handshake timeouts and connection caps', () => {
	let server: OcoreProcess;
	const held: Raw[] = [];

	async function post(path: string, body: unknown, token?: string) {
		const headers: Record<string, string> = { 'content-type': 'application/json', 'x-forwarded-for': uniqueIp() };
		if (token) headers.authorization = `Bearer ${token}`;
		const res = await fetch(server.baseUrl + path, { method: 'POST', headers, body: JSON.stringify(body) });
		return { status: res.status, body: await res.json() };
	}

	async function userWithKey(): Promise<GeneratedKey> {
		const email = uniqueEmail('hs');
		const password = 'correct horse 42';
		expect((await post('/api/auth/signup', { email, password, name: 'Handshake' })).status).toBe(201);
		const login = await post('/api/auth/login', { email, password });
		const key = generateKey('ed25519');
		const added = await post('/api/user/ssh-keys', { name: `k-${randomBytes(3).toString('hex')}`, publicKey: key.line }, login.body.accessToken);
		expect(added.status).toBe(201);
		return key;
	}

	function sshOptions(key: GeneratedKey): string[] {
		return [
			'-p', String(server.sshPort),
			'-o', 'StrictHostKeyChecking=accept-new',
			'-o', `UserKnownHostsFile=${knownHostsFile()}`,
			'-o', 'IdentitiesOnly=yes',
			'-o', 'BatchMode=yes',
			'-o', 'ConnectTimeout=20',
			'-i', key.privateFile
		];
	}

	/** `ssh nowhere@host true` from 127.0.0.1: authenticates, then hears "Instance not found". */
	function sshOnce(key: GeneratedKey) {
		return runClient('ssh', [...sshOptions(key), '-o', 'LogLevel=ERROR', `nowhere-${randomBytes(3).toString('hex')}@127.0.0.1`, 'true'], { timeoutMs: 30_000 });
	}

	/** `ssh -N`: an authenticated connection without sessions, held until killed. */
	async function holdAuthenticated(key: GeneratedKey) {
		const child = spawn('ssh', [...sshOptions(key), '-v', '-N', 'nowhere@127.0.0.1'], { stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (d) => (stderr += d));
		await waitFor(async () => stderr.includes('Authenticated to') || child.exitCode !== null, 20_000, 50);
		if (!stderr.includes('Authenticated to')) throw new Error(`ssh -N did not authenticate: ${stderr}`);
		return child;
	}

	beforeAll(async () => {
		server = await startOcoreProcess({
			SSH_IDENT_TIMEOUT_SECONDS: String(IDENT_TIMEOUT_SECONDS),
			SSH_LOGIN_GRACE_SECONDS: String(LOGIN_GRACE_SECONDS),
			SSH_MAX_UNAUTHENTICATED_PER_IP: String(MAX_PER_IP),
			SSH_MAX_UNAUTHENTICATED: String(MAX_TOTAL),
			SSH_MAX_CONNECTIONS_PER_USER: String(MAX_CONNECTIONS_PER_USER),
			LOG_REQUESTS: 'false'
		});
	});

	afterAll(async () => {
		for (const raw of held) raw.socket.destroy();
		await server?.stop();
	});

	async function releaseHeld() {
		for (const raw of held.splice(0)) raw.socket.destroy();
	}

	it(`closes sockets that never send the identification line after ${IDENT_TIMEOUT_SECONDS} s`, async () => {
		const sockets = await Promise.all(['127.0.0.21', '127.0.0.22', '127.0.0.23'].map((ip) => openRaw(server.sshPort, ip)));
		const closedAfter = await within(Promise.all(sockets.map((s) => s.closed)), IDENT_TIMEOUT_SECONDS * 1000 + SLACK_MS, 'silent sockets closed');
		for (const ms of closedAfter) expect(ms).toBeGreaterThanOrEqual(IDENT_TIMEOUT_SECONDS * 1000 - 100);
		await waitFor(async () => server.output().includes(`no identification line within ${IDENT_TIMEOUT_SECONDS} s`), 5000, 50);
	});

	it(`closes a client that sent its ident but never authenticates ${LOGIN_GRACE_SECONDS} s after accept`, async () => {
		const raw = await admitted(server.sshPort, '127.0.0.24');
		const ms = await within(raw.closed, LOGIN_GRACE_SECONDS * 1000 + SLACK_MS, 'unauthenticated socket closed');
		expect(ms).toBeGreaterThanOrEqual(LOGIN_GRACE_SECONDS * 1000 - 100);
	});

	it(`drops the ${MAX_PER_IP + 1}th unauthenticated socket of one address at once; others, and OpenSSH, still get in`, async () => {
		const key = await userWithKey();
		for (let i = 0; i < MAX_PER_IP; i++) held.push(await admitted(server.sshPort, '127.0.0.2'));
		try {
			const over = await openRaw(server.sshPort, '127.0.0.2');
			await within(over.closed, 1000, 'over-cap socket dropped');
			expect(over.received()).toBe('');
			held.push(await admitted(server.sshPort, '127.0.0.3'));
			const r = await sshOnce(key);
			expect(r).toMatchObject({ code: 1, stderr: 'Instance not found\n' });
			for (const raw of held) expect(raw.isClosed()).toBe(false);
		} finally {
			await releaseHeld();
		}
		expect(server.output()).toContain('ssh connection refused');
		expect(server.output()).toContain('too many unauthenticated connections from this address');
	});

	it(`drops a new socket from any address beyond ${MAX_TOTAL} unauthenticated in total`, async () => {
		const key = await userWithKey();
		const addresses = ['127.0.0.4', '127.0.0.5', '127.0.0.6'];
		for (let i = 0; i < MAX_TOTAL; i++) held.push(await admitted(server.sshPort, addresses[i % addresses.length]!));
		try {
			const over = await openRaw(server.sshPort, '127.0.0.7');
			await within(over.closed, 1000, 'over-cap socket dropped');
			expect(over.received()).toBe('');
			// What a user sees then (the README's refusal table): a reset when its ident was already in flight.
			const refused = await sshOnce(key);
			expect(refused.code).toBe(255);
			expect(refused.stderr).toMatch(/^kex_exchange_identification: (Connection closed by remote host|read: Connection reset by peer)\r\n$/);
		} finally {
			await releaseHeld();
		}
		// Released sockets free their places.
		held.push(await waitFor(() => admitted(server.sshPort, '127.0.0.7').catch(() => null), 5000, 100));
		await releaseHeld();
	});

	it(`refuses a user's connection beyond ${MAX_CONNECTIONS_PER_USER}, saying why; another user is not affected`, async () => {
		const key = await userWithKey();
		const holders = [];
		for (let i = 0; i < MAX_CONNECTIONS_PER_USER; i++) holders.push(await holdAuthenticated(key));
		try {
			const refused = await sshOnce(key);
			expect(refused).toMatchObject({
				code: 1,
				stderr: `Connection limit reached: at most ${MAX_CONNECTIONS_PER_USER} concurrent connections per user\n`
			});
			const other = await userWithKey();
			expect(await sshOnce(other)).toMatchObject({ code: 1, stderr: 'Instance not found\n' });
		} finally {
			holders[0]!.kill('SIGKILL');
		}
		const freed = await waitFor(async () => {
			const r = await sshOnce(key);
			return r.stderr === 'Instance not found\n' ? r : null;
		}, 20_000, 250);
		expect(freed.code).toBe(1);
		for (const h of holders) h.kill('SIGKILL');
	});
});
