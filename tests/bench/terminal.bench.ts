/**
 * `npm run bench:terminal`: the browser terminal's path against native ssh, through one gateway core
 * started in this process (startGateway: the SSH door on a free port and the WebSocket door on an
 * HTTP server), a real test container and a real database (DATABASE_URL, else an in-memory PGlite):
 * - keystroke echo round trip: one byte typed into `cat > /dev/null` on a pty, timed until the tty's
 *   echo of it arrives; over the WebSocket (a `ws` client, as the page uses) and over `ssh -tt`
 *   (stock OpenSSH client, its stdin and stdout piped to this process); p50 and p99 of BENCH_KEYSTROKES;
 * - the server's memory with BENCH_TERMINALS idle browser terminals (RSS after GC), the clients held by
 *   a child process so the reading is the server's alone.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { sshKeys } from '../../src/lib/server/db/schema';
import { requestTerminalTicket } from '../../src/lib/server/terminal/request-ticket';
import { silentGatewayLog } from '../../ssh-gateway/core/log';
import { startGateway } from '../../ssh-gateway/start';
import { createTestApp } from '../helpers/app';
import { memory } from './in-process';
import { ensureTestImage, removeTestContainers, requireDocker } from '../helpers/docker';
import { instanceFixture } from '../helpers/instances';
import { generateKey } from '../helpers/ssh-keys';
import { waitFor } from '../helpers/poll';
import { browserLogin, isRefusal, openTerminal } from '../helpers/terminal';

const KEYSTROKES = Number(process.env.BENCH_KEYSTROKES ?? 1000);
const TERMINALS = Number(process.env.BENCH_TERMINALS ?? 200);

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const row = (cells: string[]) => console.log(`| ${cells.join(' | ')} |`);

/** Types one byte at a time and times each echo; every 100 bytes a newline keeps the tty's line short. */
async function echoTimes(send: (bytes: Buffer) => void, onData: (listener: (chunk: Buffer) => void) => void): Promise<number[]> {
	let pending: { byte: number; resolve: () => void } | null = null;
	onData((chunk) => {
		if (pending && chunk.includes(pending.byte)) {
			const p = pending;
			pending = null;
			p.resolve();
		}
	});
	const echoed = (byte: number) => new Promise<void>((resolve) => (pending = { byte, resolve }));
	const times: number[] = [];
	for (let i = 0; i < KEYSTROKES; i++) {
		if (i % 100 === 99) {
			const done = echoed(0x0a);
			send(Buffer.from('\r'));
			await done;
		}
		const byte = 0x61 + (i % 26);
		const done = echoed(byte);
		const started = performance.now();
		send(Buffer.from([byte]));
		await done;
		times.push(performance.now() - started);
	}
	return times;
}

async function main() {
	if (!(await requireDocker('the terminal benchmark'))) process.exit(0);
	await ensureTestImage();
	const app = await createTestApp({
		SSH_MAX_SESSIONS_PER_USER: String(TERMINALS + 20),
		SSH_MAX_CONNECTIONS_PER_USER: String(TERMINALS + 20),
		SSH_IDLE_TIMEOUT_SECONDS: '3600',
		SESSION_RECORDING: 'metadata'
	});
	const gateway = await startGateway(app, { ssh: true, port: 0, host: '127.0.0.1', log: silentGatewayLog });
	const http = createServer((_req, res) => res.writeHead(404).end());
	http.on('upgrade', (req, socket, head) => {
		if (!gateway.terminal.handleUpgrade(req, socket, head)) socket.destroy();
	});
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
	const origin = app.config.appUrl.origin;
	let clients: ReturnType<typeof spawn> | null = null;
	try {
		const fixture = await instanceFixture(app);
		const slug = fixture.instance.slug;
		const login = await browserLogin(app, fixture.owner);
		const key = generateKey('ed25519');
		await app.db.insert(sshKeys).values({ userId: fixture.owner.id, name: 'bench', type: 'ssh-ed25519', bits: 256, fingerprint: key.keygenFingerprint, publicKey: key.line.split(' ').slice(0, 2).join(' ') });

		// Memory of idle browser terminals, first (before the latency runs leave garbage behind): one
		// terminal open as the baseline, then the rest, each reading after GC.
		const tickets: string[] = [];
		for (let i = 0; i < TERMINALS; i++) tickets.push((await requestTerminalTicket(app, login.auth, slug)).ticket);
		clients = spawn(process.execPath, ['--import', 'tsx', 'tests/bench/terminal-clients.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
		const opened = (count: number) =>
			new Promise<void>((resolve, reject) => {
				const onData = (d: Buffer) => {
					if (d.toString().includes(`open ${count}`)) {
						clients!.stdout!.off('data', onData);
						resolve();
					}
				};
				clients!.stdout!.on('data', onData);
				clients!.once('exit', (code) => reject(new Error(`terminal clients exited with ${code}`)));
			});
		const url = `${baseUrl.replace('http', 'ws')}/ws/terminal`;
		clients.stdin!.write(JSON.stringify({ url, origin, cookie: login.cookie, tickets: tickets.slice(0, 1) }) + '\n');
		await opened(1);
		await new Promise((r) => setTimeout(r, 2000));
		const before = memory();
		clients.stdin!.end(JSON.stringify({ url, origin, cookie: login.cookie, tickets: tickets.slice(1) }) + '\n');
		await opened(TERMINALS - 1);
		await new Promise((r) => setTimeout(r, 3000));
		const after = memory();
		const open = gateway.terminal.openCount;
		clients.kill('SIGKILL');
		await waitFor(async () => gateway.core.liveSessionCount === 0, 60_000, 100);

		// WebSocket path.
		const term = await openTerminal(baseUrl, { ticket: (await requestTerminalTicket(app, login.auth, slug)).ticket, cookie: login.cookie, origin });
		if (isRefusal(term)) throw new Error(`terminal refused: ${JSON.stringify(term)}`);
		term.type('stty -echoctl; exec cat > /dev/null\r');
		await term.waitForScreen('exec cat > /dev/null\r\n');
		await new Promise((r) => setTimeout(r, 300));
		const wsTimes = await echoTimes(
			(bytes) => term.ws.send(bytes, { binary: true }),
			(listener) => term.ws.on('message', (data: Buffer, isBinary) => isBinary && listener(data))
		);
		term.ws.close();

		// Native ssh path: the same program on a pty, through the SSH door of the same core.
		const ssh = spawn('ssh', ['-tt', '-p', String(gateway.ssh!.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-i', key.privateFile, `${slug}@127.0.0.1`, 'cat > /dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
		await new Promise((r) => setTimeout(r, 1500));
		const sshTimes = await echoTimes(
			(bytes) => ssh.stdin!.write(bytes),
			(listener) => ssh.stdout!.on('data', listener)
		);
		ssh.kill();

		console.log(`\noCore browser terminal benchmark: ${KEYSTROKES} keystrokes per path, ${TERMINALS} idle terminals; ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)} at the end\n`);
		row(['keystroke echo round trip', 'p50 ms', 'p99 ms']);
		row(['---', '---:', '---:']);
		row(['browser terminal (WebSocket)', percentile(wsTimes, 50).toFixed(2), percentile(wsTimes, 99).toFixed(2)]);
		row(['native ssh -tt (same gateway)', percentile(sshTimes, 50).toFixed(2), percentile(sshTimes, 99).toFixed(2)]);
		console.log('');
		const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
		const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
		row([`server memory, ${open} idle browser terminals (after GC)`, 'RSS', 'heap + external']);
		row(['---', '---:', '---:']);
		row(['whole process, 1 terminal', mib(before.rss), mib(before.heap)]);
		row([`whole process, ${open} terminals`, mib(after.rss), mib(after.heap)]);
		row(['per idle terminal', kib((after.rss - before.rss) / (open - 1)), kib((after.heap - before.heap) / (open - 1))]);
	} finally {
		clients?.kill('SIGKILL');
		await gateway.close();
		http.close();
		await removeTestContainers();
		await app.close();
	}
}

main().then(
	() => process.exit(0),
	(err) => {
		console.error(err);
		process.exit(1);
	}
);
