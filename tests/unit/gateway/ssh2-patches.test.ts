/**
 * The patches to ssh2 (patches/README.md), each against the real client that exposed the bug: an
 * in-process ssh2 Server with the gateway's algorithms and its key check, one registered key, and an
 * exec that echoes its command. No container and no database: this is ssh2 alone. Each test fails on
 * an unpatched ssh2 (Dropbear hangs, asyncssh says "Key mismatch", OpenSSH reads a run-together
 * server-sig-algs).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ssh2, { type Connection } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayAlgorithms } from '../../../ssh-gateway/ssh/algorithms';
import { checkPublicKey } from '../../../ssh-gateway/ssh/auth';
import { runClient } from '../../helpers/ssh';
import { generateKey } from '../../helpers/ssh-keys';

const { utils } = ssh2;

/** The blob of each key the server accepts. */
const registered: Buffer[] = [];
let server: ssh2.Server;
let port = 0;
const dir = mkdtempSync(path.join(tmpdir(), 'ocore-ssh2-patches-'));

function register(publicLine: string) {
	const parsed = utils.parseKey(publicLine);
	if (parsed instanceof Error || Array.isArray(parsed)) throw new Error('bad public key');
	registered.push(parsed.getPublicSSH());
}

function handle(client: Connection) {
	client.on('error', () => {});
	client.on('authentication', (ctx) => {
		if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
		const check = checkPublicKey(ctx);
		if (check.kind === 'invalid' || !registered.some((b) => b.equals(ctx.key.data))) return ctx.reject(['publickey']);
		ctx.accept();
	});
	client.on('ready', () => {
		client.on('session', (accept) => {
			accept().on('exec', (acceptExec, _reject, info) => {
				const channel = acceptExec();
				channel.write(`ran: ${info.command}\n`);
				channel.exit(0);
				channel.end();
			});
		});
	});
}

beforeAll(async () => {
	const hostKey = utils.generateKeyPairSync('ed25519').private;
	server = new ssh2.Server({ hostKeys: [hostKey], algorithms: gatewayAlgorithms(), ident: 'oCore' }, handle);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	port = (server.address() as { port: number }).port;
});

afterAll(() => server?.close());

describe('002 kex-guess: a right first_kex_packet_follows guess is used, not dropped', () => {
	it('Dropbear (always sends its guess) runs a command at once instead of hanging', async () => {
		const key = path.join(dir, 'dropbear-ed25519');
		execFileSync('dropbearkey', ['-t', 'ed25519', '-f', key], { stdio: 'pipe' });
		const publicLine = execFileSync('dropbearkey', ['-y', '-f', key], { encoding: 'utf8' })
			.split('\n')
			.find((l) => l.startsWith('ssh-ed25519 '))!;
		register(publicLine);
		// -y -y: accept any host key without writing ~/.ssh/known_hosts; HOME keeps the real one untouched.
		const r = await runClient('dbclient', ['-y', '-y', '-i', key, '-p', String(port), 'dropbear@127.0.0.1', 'echo hello'], {
			env: { HOME: dir },
			timeoutMs: 15_000
		});
		expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: 'ran: echo hello\n' });
		// Unpatched, the server dropped the guess and both sides waited until the client gave up.
		expect(r.ms).toBeLessThan(10_000);
	});
});

describe('003 pk-ok-algorithm: PK_OK names the algorithm the client asked about', () => {
	it('asyncssh signs in with an RSA key (rsa-sha2-256/512), where it said "Key mismatch"', async () => {
		const key = generateKey('rsa', 3072, 'asyncssh');
		register(key.line);
		const script = [
			'import asyncio, asyncssh, sys',
			'async def main():',
			`    async with asyncssh.connect("127.0.0.1", port=${port}, username="py", client_keys=[sys.argv[1]], known_hosts=None, agent_path=None) as c:`,
			'        r = await c.run("echo hello")',
			'        sys.stdout.write(r.stdout)',
			'asyncio.run(main())'
		].join('\n');
		// Debian's python3-asyncssh belongs to Debian's Python, whatever `python3` is first on PATH.
		const r = await runClient('/usr/bin/python3', ['-c', script, key.privateFile], {
			env: { PYTHONWARNINGS: 'ignore' },
			timeoutMs: 30_000
		});
		expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: 'ran: echo hello\n', stderr: '' });
	});
});

describe('004 server-sig-algs: one well-formed list, without SHA-1', () => {
	it('OpenSSH reads every SHA-2 algorithm from it, and neither ssh-rsa nor ssh-dss', async () => {
		const key = generateKey('ed25519', undefined, 'openssh');
		register(key.line);
		const r = await runClient('ssh', [
			'-v', '-p', String(port),
			'-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${path.join(dir, 'known_hosts')}`,
			'-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-i', key.privateFile,
			'openssh@127.0.0.1', 'true'
		]);
		expect(r.code).toBe(0);
		const line = r.stderr.split('\n').find((l) => l.includes('server-sig-algs='));
		expect(line).toBeDefined();
		const advertised = line!.replace(/.*server-sig-algs=<(.*)>.*/, '$1').trim().split(',');
		expect(advertised).toEqual([
			'ssh-ed25519',
			'ecdsa-sha2-nistp256',
			'ecdsa-sha2-nistp384',
			'ecdsa-sha2-nistp521',
			'rsa-sha2-512',
			'rsa-sha2-256'
		]);
	});
});
