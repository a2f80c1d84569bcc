/**
 * `npm run bench:gateway`: the SSH gateway against `docker exec` directly, side by side in one run,
 * on the shipped server (build/ must exist: `npm run build`) and a real test container:
 * - throughput of a 256 MiB transfer each way: `ssh ... 'cat > /dev/null' < file` and
 *   `ssh ... 'head -c 256M /dev/zero' > /dev/null`, against `docker exec -i` (target: >= 0.9 of direct),
 *   and against OpenSSH's own sshd running the same `docker exec` (the cost of SSH itself, when run
 *   as root with openssh-server installed);
 * - connect + authenticate + `true` latency, p50/p95, against `docker exec <c> true` and against the same
 *   `docker exec <c> true` run by OpenSSH's sshd (the peer: what a plain SSH server in front of Docker
 *   costs); the three are interleaved, one of each per iteration, so machine load hits every row alike,
 *   and each row is also given as a ratio of `docker exec` in the same run;
 * - where the gateway's time goes on one `ssh ... true` (gateway-phases.ts): each call of the core to its
 *   database services and to Docker, per connect, its mean time and whether the client waited for it;
 * - the gateway's memory per idle session with 200 concurrent sessions (measured in-process, after GC).
 * Options (env): BENCH_MIB (256), BENCH_RUNS (3), BENCH_LATENCY_RUNS (30), BENCH_SESSIONS (200),
 * BENCH_PHASE_RUNS (20);
 * BENCH_PORT: the server's HTTP port (its SSH port is the next one; default: free ports);
 * BENCH_PROFILE_DIR writes a V8 CPU profile of the server process there (open it in Chrome DevTools).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { instances, servers } from '../../src/lib/server/db/schema';
import { silentGatewayLog } from '../../ssh-gateway/core/log';
import { nativeSshCrypto } from '../../ssh-gateway/ssh/crypto-binding';
import { startGateway } from '../../ssh-gateway/start';
import { measurePhases } from './gateway-phases';
import { createTestApp } from '../helpers/app';
import { benchInstance, memory } from './in-process';
import { ensureTestImage, removeTestContainers, requireDocker, startTestContainer, type TestContainer } from '../helpers/docker';
import { sshEngineUnavailableReason, startSshDockerHost } from '../helpers/docker-endpoints';
import { startOcoreProcess, type OcoreProcess } from '../helpers/ocore-process';
import { generateKey } from '../helpers/ssh-keys';

const MIB = Number(process.env.BENCH_MIB ?? 256);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 30);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 200);
const PHASE_RUNS = Number(process.env.BENCH_PHASE_RUNS ?? 20);
const ADMIN = 'bench-admin@bench.test';

type Run = { code: number | null; ms: number; stderr: string };

function run(command: string, args: string[], io: { stdinFile?: string } = {}): Promise<Run> {
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const stdin = io.stdinFile ? openSync(io.stdinFile, 'r') : 'ignore';
		const child = spawn(command, args, { stdio: [stdin, 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr!.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => {
			if (typeof stdin === 'number') closeSync(stdin);
			resolve({ code, ms: performance.now() - started, stderr });
		});
	});
}

async function must(p: Promise<Run>, what: string): Promise<number> {
	const r = await p;
	if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr}`);
	return r.ms;
}

async function rest(server: OcoreProcess, method: string, pathname: string, token?: string, body?: unknown) {
	const res = await fetch(server.baseUrl + pathname, {
		method,
		headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const json = (await res.json().catch(() => null)) as any;
	if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${JSON.stringify(json)}`);
	return json;
}

async function fixture(server: OcoreProcess) {
	const password = 'correct horse 42';
	await rest(server, 'POST', '/api/auth/signup', undefined, { email: ADMIN, password, name: 'Bench' });
	const { accessToken: token } = await rest(server, 'POST', '/api/auth/login', undefined, { email: ADMIN, password });
	const org = await rest(server, 'POST', '/api/orgs', token, { name: 'Bench', slug: 'bench-org' });
	const srv = await rest(server, 'POST', '/api/servers', token, { orgId: org.id, name: 'local', kind: 'socket', endpoint: '/var/run/docker.sock' });
	// Assigned to the org, as the shared local engine requires.
	const container = await startTestContainer('bench', { org: org.id });
	await rest(server, 'POST', '/api/instances', token, { orgId: org.id, slug: 'bench', name: 'Bench', serverId: srv.id, container: container.name });
	const key = generateKey('ed25519');
	await rest(server, 'POST', '/api/user/ssh-keys', token, { name: 'bench', publicKey: key.line });
	return { key, container };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const mbps = (ms: number) => (MIB * 1.048576) / (ms / 1000);

/**
 * Memory per idle session, measured on a gateway started in this process (same code as the shipped
 * server: startGateway over an app context, dockerode backend, in-memory database) so the garbage
 * collector can be run before each reading; the clients are stock `ssh` processes, outside it.
 */
async function measureMemory(container: TestContainer, sessions: number) {
	// One user opens every session, each on its own connection, ten handshakes at a time from one address.
	const app = await createTestApp({
		SSH_MAX_SESSIONS_PER_USER: String(sessions + 10),
		SSH_MAX_CONNECTIONS_PER_USER: String(sessions + 10),
		SSH_MAX_UNAUTHENTICATED_PER_IP: '50',
		SSH_IDLE_TIMEOUT_SECONDS: '3600',
		SESSION_RECORDING: 'metadata'
	});
	const gateway = await startGateway(app, { ssh: true, port: 0, host: '127.0.0.1', log: silentGatewayLog });
	const children: ReturnType<typeof spawn>[] = [];
	try {
		const { key } = await benchInstance(app, container, 'bench-memory');
		const args = ['-p', String(gateway.ssh!.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-i', key.privateFile, 'bench-memory@127.0.0.1', 'sleep 3600'];
		const waitForLive = async (count: number) => {
			const deadline = Date.now() + 120_000;
			while (gateway.core.liveSessionCount < count) {
				if (Date.now() > deadline) throw new Error(`only ${gateway.core.liveSessionCount} of ${count} sessions opened`);
				await new Promise((r) => setTimeout(r, 100));
			}
		};
		// Warm up (first connection, first exec), then read the baseline with one session open.
		children.push(spawn('ssh', args, { stdio: 'ignore' }));
		await waitForLive(1);
		await new Promise((r) => setTimeout(r, 2000));
		const before = memory();
		for (let i = 1; i < sessions; i += 10) {
			for (let j = i; j < Math.min(i + 10, sessions); j++) children.push(spawn('ssh', args, { stdio: 'ignore' }));
			await waitForLive(Math.min(i + 10, sessions));
		}
		await new Promise((r) => setTimeout(r, 3000));
		const after = memory();
		return { before, after, perSession: { rss: (after.rss - before.rss) / (sessions - 1), heap: (after.heap - before.heap) / (sessions - 1) } };
	} finally {
		for (const child of children) child.kill('SIGKILL');
		await gateway.close();
		await app.close();
	}
}

/** A non-interactive `ssh` to user@127.0.0.1:port with one key and no host key bookkeeping. */
function sshClientArgs(port: number, keyFile: string, user: string, extra: string[]): string[] {
	return [
		'-p', String(port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR',
		'-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-i', keyFile, ...extra, `${user}@127.0.0.1`
	];
}

function row(cells: string[]) {
	console.log(`| ${cells.join(' | ')} |`);
}

async function main() {
	if (!(await requireDocker('the gateway benchmark'))) process.exit(0);
	await ensureTestImage();
	const work = mkdtempSync(path.join(tmpdir(), 'ocore-bench-'));
	const server = await startOcoreProcess({
		SSH_MAX_SESSIONS_PER_USER: String(SESSIONS + 50),
		SSH_MAX_CONNECTIONS_PER_USER: String(SESSIONS + 50),
		SSH_IDLE_TIMEOUT_SECONDS: '3600',
		SESSION_RECORDING: 'metadata',
		ADMIN_EMAILS: ADMIN,
		LOG_REQUESTS: 'false'
	}, {
		...(process.env.BENCH_PORT ? { httpPort: Number(process.env.BENCH_PORT), sshPort: Number(process.env.BENCH_PORT) + 1 } : {}),
		nodeArgs: process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE_DIR)}`] : []
	});
	try {
		const { key, container } = await fixture(server);
		const sshBase = (extra: string[] = []) => sshClientArgs(server.sshPort, key.privateFile, 'bench', extra);
		const file = path.join(work, 'payload.bin');
		await must(run('sh', ['-c', `head -c ${MIB}M /dev/urandom > ${file}`]), 'make payload');

		// Warm-up (first exec, JIT, connections).
		await must(run('ssh', [...sshBase(), 'true']), 'warm-up ssh');
		await must(run('docker', ['exec', container.name, 'true']), 'warm-up docker');

		const variants: Array<[string, string[]]> = [
			['gateway, client default cipher', []],
			['gateway, aes128-gcm@openssh.com', ['-c', 'aes128-gcm@openssh.com']]
		];
		const results: Array<{ what: string; up: number; down: number }> = [];
		const measure = async (what: string, up: () => Promise<Run>, down: () => Promise<Run>) => {
			const ups: number[] = [];
			const downs: number[] = [];
			for (let i = 0; i < RUNS; i++) {
				ups.push(await must(up(), `${what} upload`));
				downs.push(await must(down(), `${what} download`));
			}
			results.push({ what, up: mbps(median(ups)), down: mbps(median(downs)) });
		};
		await measure(
			'docker exec -i (direct)',
			() => run('docker', ['exec', '-i', container.name, 'sh', '-c', 'cat > /dev/null'], { stdinFile: file }),
			() => run('docker', ['exec', container.name, 'head', '-c', `${MIB}M`, '/dev/zero'])
		);
		for (const [what, extra] of variants) {
			await measure(
				what,
				() => run('ssh', [...sshBase(extra), 'cat > /dev/null'], { stdinFile: file }),
				() => run('ssh', [...sshBase(extra), `head -c ${MIB}M /dev/zero`])
			);
		}
		// The ceiling for any SSH gateway here: OpenSSH's own sshd (C, on the same cores) in front of the
		// same `docker exec`. The gap between it and direct is the price of SSH itself.
		// Its sessions start in an empty HOME: root's shell start-up files on a developer machine (pyenv,
		// nvm ...) would otherwise be counted as sshd's time. sshd still starts a login shell, as it must.
		const sshdHome = path.join(work, 'sshd-home');
		mkdirSync(sshdHome);
		const sshd = sshEngineUnavailableReason() ? null : await startSshDockerHost([`SetEnv HOME=${sshdHome}`]);
		const sshdLatency: number[] = [];
		const sshLatency: number[] = [];
		const dockerLatency: number[] = [];
		try {
			const keyFile = path.join(work, 'sshd_client_key');
			const viaSshd = (extra: string[], command: string) => [...sshClientArgs((sshd!.endpoint as { port: number }).port, keyFile, 'root', extra), command];
			if (sshd) {
				writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
				for (const [what, extra] of variants) {
					await measure(
						what.replace('gateway', 'reference: OpenSSH sshd + docker exec'),
						() => run('ssh', viaSshd(extra, `docker exec -i ${container.name} sh -c 'cat > /dev/null'`), { stdinFile: file }),
						() => run('ssh', viaSshd(extra, `docker exec ${container.name} head -c ${MIB}M /dev/zero`))
					);
				}
				await must(run('ssh', viaSshd([], `docker exec ${container.name} true`)), 'warm-up sshd');
			} else {
				console.warn(`[bench] no OpenSSH reference: ${sshEngineUnavailableReason()}`);
			}
			// Interleaved, one of each per iteration: a burst of load elsewhere on the machine slows all rows alike.
			for (let i = 0; i < LATENCY_RUNS; i++) {
				sshLatency.push(await must(run('ssh', [...sshBase(), 'true']), 'ssh true'));
				dockerLatency.push(await must(run('docker', ['exec', container.name, 'true']), 'docker exec true'));
				if (sshd) sshdLatency.push(await must(run('ssh', viaSshd([], `docker exec ${container.name} true`)), 'sshd docker exec true'));
			}
		} finally {
			await sshd?.stop();
		}

		const phases = await measurePhases(container, PHASE_RUNS);
		const mem = await measureMemory(container, SESSIONS);

		const direct = results[0]!;
		console.log(
			`\noCore gateway benchmark: ${MIB} MiB transfers (median of ${RUNS}), ${LATENCY_RUNS} latency runs, ${SESSIONS} idle sessions; ` +
				`${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)} at the end; ssh2 native crypto binding: ${bindingState()}\n`
		);
		row(['path', 'upload MB/s', 'vs direct', 'download MB/s', 'vs direct']);
		row(['---', '---:', '---:', '---:', '---:']);
		for (const r of results) {
			row([r.what, r.up.toFixed(0), (r.up / direct.up).toFixed(2), r.down.toFixed(0), (r.down / direct.down).toFixed(2)]);
		}
		console.log('');
		row(['connect + authenticate + `true`', 'p50 ms', 'p95 ms', 'p50 vs docker exec']);
		row(['---', '---:', '---:', '---:']);
		const latencyRow = (what: string, xs: number[]) =>
			row([what, median(xs).toFixed(0), percentile(xs, 95).toFixed(0), (median(xs) / median(dockerLatency)).toFixed(2)]);
		latencyRow('ssh through the gateway', sshLatency);
		latencyRow('docker exec <c> true', dockerLatency);
		if (sshdLatency.length > 0) latencyRow('ssh to OpenSSH sshd, running docker exec <c> true', sshdLatency);
		console.log('');
		row([`where one \`ssh ... true\` waits (in-process gateway, p50 ${phases.clientMs.toFixed(0)} ms, ${PHASE_RUNS} runs)`, 'calls', 'mean ms', 'client waits']);
		row(['---', '---:', '---:', '---']);
		for (const p of phases.rows) row([p.name, p.perConnect.toFixed(1), p.meanMs.toFixed(1), p.waited ? 'yes' : 'no']);
		console.log('');
		row([`gateway memory, ${SESSIONS} idle sessions (after GC)`, 'RSS', 'heap + external']);
		row(['---', '---:', '---:']);
		row(['whole process, 1 session', `${(mem.before.rss / 2 ** 20).toFixed(0)} MiB`, `${(mem.before.heap / 2 ** 20).toFixed(1)} MiB`]);
		row([`whole process, ${SESSIONS} sessions`, `${(mem.after.rss / 2 ** 20).toFixed(0)} MiB`, `${(mem.after.heap / 2 ** 20).toFixed(1)} MiB`]);
		row(['per idle session', `${(mem.perSession.rss / 1024).toFixed(0)} KiB`, `${(mem.perSession.heap / 1024).toFixed(0)} KiB`]);
	} finally {
		await server.stop();
		await removeTestContainers();
		rmSync(work, { recursive: true, force: true });
	}
}

function bindingState(): string {
	return nativeSshCrypto() ? 'loaded' : 'not loaded (Node crypto + WebAssembly Poly1305)';
}

main().then(
	() => process.exit(0),
	(err) => {
		console.error(err);
		process.exit(1);
	}
);
