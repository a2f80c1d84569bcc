/**
 * Starts the shipped server (`tsx src/server.ts` over build/) as a child process with its own data
 * folder, free HTTP and SSH ports, and waits until both answer. Used by the SSH suite's global setup
 * and by tests that restart a server (the host key must survive a restart).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from './poll';

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
		});
	});
}

export function buildDir(): string {
	return path.resolve(process.env.OCORE_BUILD_DIR ?? 'build');
}

export type OcoreProcess = {
	/** The spawned process (tsx; the server itself may be its child). */
	pid: number;
	baseUrl: string;
	sshPort: number;
	dataDir: string;
	logFile: string;
	output(): string;
	stop(): Promise<void>;
};

function sshAnswers(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = createConnection({ host: '127.0.0.1', port }, () => {
			socket.once('data', (d) => {
				socket.destroy();
				resolve(d.toString('latin1').startsWith('SSH-2.0-'));
			});
		});
		socket.on('error', () => resolve(false));
		socket.setTimeout(2000, () => {
			socket.destroy();
			resolve(false);
		});
	});
}

export type OcoreProcessOptions = {
	dataDir?: string;
	httpPort?: number;
	/** 0: the gateway picks a free port, and `sshPort` is the one the server advertises. */
	sshPort?: number;
	/** Node flags for the server process, e.g. `--cpu-prof` (the gateway benchmark's BENCH_PROFILE_DIR). */
	nodeArgs?: string[];
	/** Variables of this process's environment the server must not inherit (e.g. DATABASE_URL, for PGlite). */
	unsetEnv?: string[];
};

export async function startOcoreProcess(env: Record<string, string>, options: OcoreProcessOptions = {}): Promise<OcoreProcess> {
	if (!existsSync(path.join(buildDir(), 'handler.js'))) throw new Error(`${buildDir()} is missing: run \`npm run build\` first (npm test does it).`);
	const port = options.httpPort ?? (await freePort());
	const requestedSshPort = options.sshPort ?? (await freePort());
	const baseUrl = `http://127.0.0.1:${port}`;
	const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'ocore-ssh-server-'));
	const logFile = path.join(dataDir, 'server.log');
	const inherited = { ...process.env };
	for (const name of options.unsetEnv ?? []) delete inherited[name];
	const child: ChildProcess = spawn(path.resolve('node_modules/.bin/tsx'), [...(options.nodeArgs ?? []), 'src/server.ts'], {
		env: {
			...inherited,
			NODE_ENV: 'test',
			HOST: '127.0.0.1',
			PORT: String(port),
			APP_URL: baseUrl,
			DATA_DIR: dataDir,
			JWT_SECRET: 'ssh-integration-secret-that-is-long-enough',
			SSH_ENCRYPTION_KEY: 'ssh-integration-encryption-key-long-enough-0123',
			TRUSTED_PROXY_HOPS: '1',
			AUTH_RATE_LIMIT_PER_MINUTE: '1000',
			SSH_ENABLED: 'true',
			SSH_HOST: '127.0.0.1',
			SSH_PORT: String(requestedSshPort),
			// Test engines (TLS relays, sshd) listen on loopback, which engine endpoints may not use otherwise.
			DOCKER_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const capture = (d: Buffer) => {
		output += d;
		appendFileSync(logFile, d);
	};
	child.stdout?.on('data', capture);
	child.stderr?.on('data', capture);
	const httpUp = async () => {
		if (child.exitCode !== null) throw new Error('server exited early');
		try {
			return (await fetch(`${baseUrl}/api/health`)).ok;
		} catch {
			return false; // not listening yet
		}
	};
	let sshPort = requestedSshPort;
	try {
		await waitFor(httpUp, 120_000);
		// SSH_PORT=0 lets the gateway pick a free port; the server advertises the one it bound.
		// HTTP listens before the gateway does, so the bound port appears a moment after /api/health.
		if (sshPort === 0) {
			sshPort = await waitFor(async () => {
				const { port: advertised } = (await (await fetch(`${baseUrl}/api/ssh/client-config`)).json()) as { port: number };
				return advertised > 0 ? advertised : null;
			}, 120_000);
		}
		await waitFor(() => sshAnswers(sshPort), 120_000);
	} catch (err) {
		child.kill('SIGKILL');
		throw new Error(`server did not start: ${err instanceof Error ? err.message : err}\n${output}`);
	}
	return {
		pid: child.pid!,
		baseUrl,
		sshPort,
		dataDir,
		logFile,
		output: () => output,
		async stop() {
			if (child.exitCode !== null) return;
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
			await exited;
			clearTimeout(timer);
		}
	};
}
