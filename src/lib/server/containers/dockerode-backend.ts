/**
 * ContainerBackend over the Docker Engine API with dockerode.
 *
 * Streams: an exec is started hijacked, so the engine hands over the raw connection. Its write side
 * is the process's stdin (end() half-closes the connection, which the engine turns into EOF on
 * stdin); its read side is the terminal output with a tty, or Docker's multiplexed stdout/stderr
 * otherwise, split by a demuxer that honours backpressure. Nothing here buffers beyond the streams'
 * own high-water marks: a slow reader pauses the socket and so the process.
 *
 * Timeouts: every plain API request carries an abort signal; state() uses a short one, so a dead
 * engine cannot hang a page or an API listing. Errors are normalised to ContainerBackendError; an
 * engine address refused by the address policy (docker-clients.ts) is `blocked_address`.
 *
 * TLS engines: Node's TLS shutdown (TLSWrap::DoShutdown) calls SSL_shutdown twice, and the second
 * call reads and discards whole records still queued in the TLS read buffer. exec() resolves from
 * inside the socket's read callback, so when the engine's upgrade headers and the first output came
 * in one read, an immediate stdin.end() would silently drop that output. deferTlsShutdown() moves the
 * shutdown to the next turn of the event loop, after the read loop has handed every queued record
 * to the stream.
 *
 * Ending and signalling an exec: Docker keeps an exec's process running when its connection closes,
 * and has no API to signal one. Each exec carries a random OCORE_EXEC_ID in its environment
 * (inherited by its children); a small /bin/sh loop run in the container sends a signal to every
 * process carrying that marker. close() sends SIGHUP, then SIGKILL a second later; signal() sends the
 * one asked for. Images without /bin/sh keep the process (logged nowhere, best effort).
 */
import { randomBytes } from 'node:crypto';
import { finished } from 'node:stream/promises';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type Docker from 'dockerode';
import {
	ContainerBackendError,
	type ContainerBackend,
	type ContainerExec,
	type ContainerIdentity,
	type ContainerRef,
	type ContainerState,
	type DockerEndpoint,
	type ExecExit,
	type ExecOptions,
	type ExecSignal,
	isContainerBackendError,
	isExecSignal
} from './container-backend';
import { createDemuxer } from './demux';
import { DockerClients } from './docker-clients';

export type DockerodeBackendOptions = {
	/** Budget for state(): listing instances must stay fast when an engine is down. */
	stateTimeoutMs?: number;
	/** The same over SSH, where every request pays an SSH handshake. */
	sshStateTimeoutMs?: number;
	/** Budget for other requests (exec create, inspect, resize, start, stop). */
	requestTimeoutMs?: number;
	/** How long a process may still be reported running once its output has ended. */
	exitSettleTimeoutMs?: number;
	sshReadyTimeoutMs?: number;
	/** DOCKER_ALLOW_PRIVATE_HOSTS: engine hosts that may be on private or loopback addresses. */
	allowPrivateHosts?: readonly string[];
};

type EngineError = { statusCode?: number; code?: string; name?: string; message?: string };

/** Maps dockerode/docker-modem/network failures to the backend's error reasons. */
export function toBackendError(err: unknown, what: string): ContainerBackendError {
	if (isContainerBackendError(err)) return err;
	const e = (err ?? {}) as EngineError;
	const detail = e.message ?? String(err);
	// BlockedAddressError (net/guarded-lookup), thrown directly or as the socket's error.
	if (e.code === 'EBLOCKEDADDRESS') return new ContainerBackendError('blocked_address', `${what}: ${detail}`, { cause: err });
	if (e.statusCode === 404) return new ContainerBackendError('missing', `${what}: not found`, { cause: err });
	if (e.statusCode === 409) return new ContainerBackendError('not_running', `${what}: container is not running`, { cause: err });
	if (e.statusCode === undefined) {
		return new ContainerBackendError('unreachable', `${what}: Docker engine unreachable (${detail})`, { cause: err });
	}
	return new ContainerBackendError('engine', `${what}: Docker engine error ${e.statusCode} (${detail})`, { cause: err });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const EXEC_MARKER_VARIABLE = 'OCORE_EXEC_ID';

/**
 * $1 is the marker, then one or two signal names. Reads each process's environment (NUL bytes vanish
 * in the command substitution, so the marker is matched as a substring; it is 32 hex characters, so no
 * other value can contain it by accident). With two signals the second follows a second later: HUP
 * first, so shells and editors can clean up, then KILL.
 */
const SIGNAL_MARKED_PROCESSES_SCRIPT = `
signal_marked() {
	for p in /proc/[0-9]*; do
		case "$(cat "$p/environ" 2>/dev/null)" in
			*"${EXEC_MARKER_VARIABLE}=$1"*) kill -"$2" "\${p#/proc/}" 2>/dev/null ;;
		esac
	done
}
signal_marked "$1" "$2"
if [ -n "$3" ]; then
	sleep 1
	signal_marked "$1" "$3"
fi
`;

export class DockerodeBackend implements ContainerBackend {
	private readonly clients: DockerClients;
	private readonly stateTimeoutMs: number;
	private readonly sshStateTimeoutMs: number;
	private readonly requestTimeoutMs: number;
	private readonly exitSettleTimeoutMs: number;

	constructor(options: DockerodeBackendOptions = {}) {
		this.stateTimeoutMs = options.stateTimeoutMs ?? 2_000;
		this.sshStateTimeoutMs = options.sshStateTimeoutMs ?? 5_000;
		this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
		this.exitSettleTimeoutMs = options.exitSettleTimeoutMs ?? 5_000;
		this.clients = new DockerClients({
			sshReadyTimeoutMs: options.sshReadyTimeoutMs ?? 10_000,
			allowPrivateHosts: options.allowPrivateHosts ?? []
		});
	}

	private container(ref: ContainerRef): Docker.Container {
		return this.clients.get(ref.endpoint).getContainer(ref.container);
	}

	async state(ref: ContainerRef): Promise<ContainerState> {
		try {
			const timeoutMs = ref.endpoint.kind === 'ssh' ? this.sshStateTimeoutMs : this.stateTimeoutMs;
			const info = await this.container(ref).inspect({ abortSignal: AbortSignal.timeout(timeoutMs) });
			return info.State.Running && !info.State.Paused ? 'running' : 'stopped';
		} catch (err) {
			const error = toBackendError(err, `inspect ${ref.container}`);
			if (error.reason === 'missing') return 'missing';
			throw error;
		}
	}

	async engineVersion(endpoint: DockerEndpoint): Promise<string> {
		try {
			const timeoutMs = endpoint.kind === 'ssh' ? this.sshStateTimeoutMs : this.stateTimeoutMs;
			// dockerode's version() takes { abortSignal } at runtime (lib/docker.js); its typings omit the options.
			const client = this.clients.get(endpoint);
			const version = client.version as unknown as (opts: { abortSignal: AbortSignal }) => Promise<Docker.DockerVersion>;
			const info = await version.call(client, { abortSignal: AbortSignal.timeout(timeoutMs) });
			return info.Version;
		} catch (err) {
			throw toBackendError(err, 'version');
		}
	}

	async inspect(ref: ContainerRef): Promise<ContainerIdentity> {
		try {
			const info = await this.container(ref).inspect({ abortSignal: AbortSignal.timeout(this.requestTimeoutMs) });
			return {
				id: info.Id,
				name: info.Name.replace(/^\//, ''),
				labels: info.Config?.Labels ?? {},
				state: info.State.Running && !info.State.Paused ? 'running' : 'stopped'
			};
		} catch (err) {
			throw toBackendError(err, `inspect ${ref.container}`);
		}
	}

	async start(ref: ContainerRef): Promise<void> {
		try {
			await this.container(ref).start({ abortSignal: AbortSignal.timeout(this.requestTimeoutMs) });
		} catch (err) {
			// 304: already running, which is what the caller wanted.
			if ((err as EngineError).statusCode !== 304) throw toBackendError(err, `start ${ref.container}`);
		}
	}

	async stop(ref: ContainerRef): Promise<void> {
		try {
			await this.container(ref).stop({ abortSignal: AbortSignal.timeout(this.requestTimeoutMs) });
		} catch (err) {
			if ((err as EngineError).statusCode !== 304) throw toBackendError(err, `stop ${ref.container}`);
		}
	}

	async hasExecutable(ref: ContainerRef, path: string): Promise<boolean> {
		const exec = await this.exec(ref, { cmd: ['test', '-x', path], tty: false });
		exec.stdin.end();
		exec.stdout.resume();
		exec.stderr?.resume();
		const { exitCode } = await exec.wait();
		return exitCode === 0;
	}

	async exec(ref: ContainerRef, options: ExecOptions): Promise<ContainerExec> {
		const what = `exec in ${ref.container}`;
		let exec: Docker.Exec;
		let socket: Duplex;
		const marker = randomBytes(16).toString('hex');
		const env = { ...options.env, [EXEC_MARKER_VARIABLE]: marker };
		try {
			exec = await this.container(ref).exec({
				Cmd: options.cmd,
				AttachStdin: true,
				AttachStdout: true,
				AttachStderr: true,
				Tty: options.tty,
				Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
				User: options.user,
				WorkingDir: options.workingDir,
				abortSignal: AbortSignal.timeout(this.requestTimeoutMs)
			});
			// No abort signal here: it would outlive the request and cut the hijacked stream later.
			socket = await exec.start({ hijack: true, stdin: true, Tty: options.tty, Detach: false });
		} catch (err) {
			throw toBackendError(err, what);
		}
		const terminate = () => this.terminate(ref, exec, marker).catch(() => {});
		const signal = async (name: ExecSignal) => {
			// The name becomes an argument of `kill`: only the listed names ever get there.
			if (!isExecSignal(name)) throw new ContainerBackendError('engine', `signal ${String(name)} is not allowed`);
			try {
				await this.signalMarked(ref, marker, [name]);
			} catch (err) {
				throw toBackendError(err, `signal ${name} in ${ref.container}`);
			}
		};
		return this.wrapExec(exec, socket, options, terminate, signal);
	}

	/** Kills what is left of an exec whose connection was closed (see the header comment). */
	private async terminate(ref: ContainerRef, exec: Docker.Exec, marker: string): Promise<void> {
		const info = await exec.inspect({ abortSignal: AbortSignal.timeout(this.requestTimeoutMs) });
		if (!info.Running) return;
		await this.signalMarked(ref, marker, ['HUP', 'KILL']);
	}

	/** Runs SIGNAL_MARKED_PROCESSES_SCRIPT in the container and waits for it to finish. */
	private async signalMarked(ref: ContainerRef, marker: string, signals: [ExecSignal] | [ExecSignal, ExecSignal]): Promise<void> {
		const sender = await this.container(ref).exec({
			Cmd: ['/bin/sh', '-c', SIGNAL_MARKED_PROCESSES_SCRIPT, 'ocore-signal', marker, ...signals],
			AttachStdout: true,
			AttachStderr: true,
			abortSignal: AbortSignal.timeout(this.requestTimeoutMs)
		});
		const output = await sender.start({ hijack: true, stdin: false, Detach: false });
		output.on('error', () => {});
		output.resume();
		await finished(output, { writable: false }).catch(() => {});
	}

	private async wrapExec(
		exec: Docker.Exec,
		socket: Duplex,
		options: ExecOptions,
		terminate: () => Promise<void>,
		signal: (name: ExecSignal) => Promise<void>
	): Promise<ContainerExec> {
		// A reset connection must not crash the process; the streams just end and wait() reports it.
		socket.on('error', () => {});
		deferTlsShutdown(socket);
		let stdout: Duplex | NodeJS.ReadableStream = socket;
		let stderr: ContainerExec['stderr'] = null;
		let outputDone: Promise<unknown>;
		if (options.tty) {
			outputDone = finished(socket, { writable: false });
		} else {
			const demuxed = createDemuxer();
			socket.pipe(demuxed.demuxer);
			socket.once('close', () => {
				if (!demuxed.demuxer.writableEnded) demuxed.demuxer.end();
			});
			stdout = demuxed.stdout;
			stderr = demuxed.stderr;
			outputDone = finished(demuxed.demuxer, { readable: false });
		}
		const requestTimeoutMs = this.requestTimeoutMs;
		const resize = async (cols: number, rows: number) => {
			if (!options.tty) return;
			try {
				await exec.resize({ w: cols, h: rows, abortSignal: AbortSignal.timeout(requestTimeoutMs) });
			} catch (err) {
				throw toBackendError(err, 'resize exec');
			}
		};
		// API 1.41 engines ignore a console size in the start request, so the first size is a resize.
		if (options.tty && options.cols && options.rows) await resize(options.cols, options.rows).catch(() => {});
		let exit: Promise<ExecExit> | undefined;
		return {
			stdin: socket,
			stdout: stdout as ContainerExec['stdout'],
			stderr,
			resize,
			wait: () => (exit ??= outputDone.catch(() => {}).then(() => this.exitOf(exec))),
			signal,
			close: () => {
				if (socket.destroyed) return;
				socket.destroy();
				void terminate();
			}
		};
	}

	/** The exit code once the engine agrees the process is gone; null if it never does (connection lost). */
	private async exitOf(exec: Docker.Exec): Promise<ExecExit> {
		const deadline = Date.now() + this.exitSettleTimeoutMs;
		for (let delayMs = 5; ; delayMs = Math.min(delayMs * 2, 200)) {
			try {
				const info = await exec.inspect({ abortSignal: AbortSignal.timeout(this.requestTimeoutMs) });
				if (!info.Running) return { exitCode: info.ExitCode ?? null };
			} catch (err) {
				throw toBackendError(err, 'inspect exec');
			}
			if (Date.now() > deadline) return { exitCode: null };
			await sleep(delayMs);
		}
	}
}

/** See the header comment: a half-close of a TLS socket waits until its queued records are read. */
function deferTlsShutdown(socket: Duplex): void {
	if (!(socket instanceof TLSSocket)) return;
	const shutdown = socket._final.bind(socket);
	socket._final = (callback) => setImmediate(() => shutdown(callback));
}

export function createDockerodeBackend(options: DockerodeBackendOptions = {}): DockerodeBackend {
	return new DockerodeBackend(options);
}
