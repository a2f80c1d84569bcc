/**
 * Where the gateway's time goes on `ssh <instance> true`, for the gateway benchmark: a gateway wired
 * in this process exactly as start.ts wires it, with every call the core makes to its services (the
 * directory, the session and connection registries, the recording rows, the audit sink) and to the
 * container backend timed. Per connect it reports how often each is called, its mean time, and whether
 * the client had to wait for it (it ended before the client's `ssh` process exited, and it is not one
 * of the writes the core leaves running in the background). Each registry call is one transaction or
 * statement: hold and tryOpen are a transaction of lock + count + insert, audit.append one of lock +
 * read head + insert + update.
 */
import { spawn } from 'node:child_process';
import type { AppContext } from '../../src/lib/server/app-context';
import { gatewayServices } from '../../src/lib/server/gateway-sessions/gateway-services';
import { createGatewayCore } from '../../ssh-gateway/core/gateway';
import { silentGatewayLog } from '../../ssh-gateway/core/log';
import { startSshGateway } from '../../ssh-gateway/ssh/server';
import { createTestApp } from '../helpers/app';
import { benchInstance } from './in-process';
import type { TestContainer } from '../helpers/docker';

type Call = { name: string; start: number; end: number };

/** Calls that run after the client is answered by design, so they are not counted as waited for. */
const BACKGROUND = new Set(['directory.touchKey', 'audit.append', 'recordingRows.start', 'recordingRows.finish', 'sessions.close', 'connectionStore.release']);

function timed<T extends object>(target: T, prefix: string, calls: Call[]): T {
	return new Proxy(target, {
		get(t, key) {
			const value = Reflect.get(t, key, t);
			if (typeof value !== 'function') return value;
			const name = `${prefix}.${String(key)}`;
			return (...args: unknown[]) => {
				const start = performance.now();
				const result = value.apply(t, args);
				if (!(result instanceof Promise)) return result;
				return result.then((v: unknown) => {
					const end = performance.now();
					calls.push({ name, start, end });
					// The exec's own round trips: create + start above, the exit status read in wait().
					if (name === 'backend.exec' && v && typeof v === 'object' && 'wait' in v) {
						const exec = v as { wait(): Promise<unknown> };
						const wait = exec.wait.bind(exec);
						exec.wait = () => {
							const s = performance.now();
							return wait().then((r) => (calls.push({ name: 'backend.exec wait (output end + exit inspect)', start: s, end: performance.now() }), r));
						};
					}
					return v;
				});
			};
		}
	});
}

export type PhaseRow = { name: string; perConnect: number; meanMs: number; waited: boolean };

export async function measurePhases(container: TestContainer, runs: number): Promise<{ rows: PhaseRow[]; clientMs: number }> {
	const app: AppContext = await createTestApp({ SSH_IDLE_TIMEOUT_SECONDS: '3600', SESSION_RECORDING: 'metadata' });
	const calls: Call[] = [];
	const services = gatewayServices(app, 'bench-phases');
	const core = createGatewayCore({
		sessions: timed(services.sessions, 'sessions', calls),
		connectionStore: timed(services.connectionStore, 'connectionStore', calls),
		recordingRows: timed(services.recordingRows, 'recordingRows', calls),
		directory: timed(services.directory, 'directory', calls),
		audit: timed(services.audit, 'audit', calls),
		backend: timed(app.containers, 'backend', calls),
		clock: app.clock,
		config: app.config,
		log: silentGatewayLog
	});
	const ssh = await startSshGateway({
		core,
		dataDir: app.config.dataDir,
		host: '127.0.0.1',
		port: 0,
		log: silentGatewayLog,
		limits: { maxUnauthenticatedPerIp: 50, maxUnauthenticated: 100, identTimeoutSeconds: 10, loginGraceSeconds: 30 }
	});
	try {
		const { key } = await benchInstance(app, container, 'bench-phases');
		const args = ['-p', String(ssh.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-i', key.privateFile, 'bench-phases@127.0.0.1', 'true'];
		const once = () =>
			new Promise<{ start: number; end: number }>((resolve, reject) => {
				const start = performance.now();
				const child = spawn('ssh', args, { stdio: 'ignore' });
				child.on('error', reject);
				child.on('close', (code) => (code === 0 ? resolve({ start, end: performance.now() }) : reject(new Error(`ssh exited ${code}`))));
			});
		await once(); // warm-up
		const clientTimes: number[] = [];
		const stats = new Map<string, { n: number; ms: number; waited: number }>();
		for (let i = 0; i < runs; i++) {
			// The previous connect's background writes finish before the next one starts.
			await new Promise((r) => setTimeout(r, 200));
			calls.length = 0;
			const client = await once();
			await new Promise((r) => setTimeout(r, 200));
			clientTimes.push(client.end - client.start);
			for (const c of calls.filter((c) => c.start >= client.start)) {
				const s = stats.get(c.name) ?? { n: 0, ms: 0, waited: 0 };
				s.n += 1;
				s.ms += c.end - c.start;
				if (c.end <= client.end && !BACKGROUND.has(c.name)) s.waited += 1;
				stats.set(c.name, s);
			}
		}
		const rows = [...stats].map(([name, s]) => ({ name, perConnect: s.n / runs, meanMs: s.ms / s.n, waited: s.waited > 0 }));
		const sorted = [...clientTimes].sort((a, b) => a - b);
		return { rows, clientMs: sorted[Math.floor(sorted.length / 2)]! };
	} finally {
		await core.stop();
		await ssh.close();
		await app.close();
	}
}
