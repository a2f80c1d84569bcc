/**
 * The one small interface the gateway and the instance service use to reach containers. The dockerode
 * implementation lives beside it; anything else (a test double for unit tests of the core, another
 * runtime later) implements the same verbs.
 */
import type { Readable, Writable } from 'node:stream';

/** How to reach one Docker engine; secrets are already decrypted, in memory only. */
export type DockerEndpoint =
	| { kind: 'socket'; socketPath: string }
	| { kind: 'tcp'; host: string; port: number; ca?: string; cert?: string; key?: string }
	| {
			kind: 'ssh';
			host: string;
			port: number;
			username: string;
			privateKey?: string;
			password?: string;
			/** `SHA256:...` as `ssh-keygen -lf` prints it; when set, any other host key is refused. */
			hostKeyFingerprint?: string;
	  };

export type ContainerRef = { endpoint: DockerEndpoint; container: string };

export type ExecOptions = {
	cmd: string[];
	tty: boolean;
	env?: Record<string, string>;
	cols?: number;
	rows?: number;
	/** Run as this user inside the container (default: the image's user). */
	user?: string;
	workingDir?: string;
};

export type ExecExit = { exitCode: number | null; signal?: string };

export interface ContainerExec {
	/** Bytes to the process's stdin; end() closes stdin (EOF). Honour its backpressure (write() -> false, 'drain'). */
	readonly stdin: Writable;
	/** The process's stdout (with a tty: the merged terminal output). */
	readonly stdout: Readable;
	/** The process's stderr; null with a tty. */
	readonly stderr: Readable | null;
	resize(cols: number, rows: number): Promise<void>;
	/** Resolves once the process has exited and its output has been fully read. */
	wait(): Promise<ExecExit>;
	/**
	 * Sends a signal (a name without SIG, from EXEC_SIGNALS) to the process and every process it
	 * started, as a terminal sends Ctrl-C to its whole foreground job. Resolves once sent.
	 */
	signal(name: ExecSignal): Promise<void>;
	/** Ends the exec: closes the streams (the process gets SIGHUP via its tty or EOF). */
	close(): void;
}

/** The signals an SSH client may send (RFC 4254, section 6.10), by their SSH names. */
export const EXEC_SIGNALS = ['ABRT', 'ALRM', 'FPE', 'HUP', 'ILL', 'INT', 'KILL', 'PIPE', 'QUIT', 'SEGV', 'TERM', 'USR1', 'USR2'] as const;
export type ExecSignal = (typeof EXEC_SIGNALS)[number];

export function isExecSignal(name: string): name is ExecSignal {
	return (EXEC_SIGNALS as readonly string[]).includes(name);
}

export type ContainerState = 'running' | 'stopped' | 'missing';

/** What binding an instance needs to know about a container: its full id and the labels it was created with. */
export type ContainerIdentity = { id: string; name: string; labels: Readonly<Record<string, string>>; state: Exclude<ContainerState, 'missing'> };

export interface ContainerBackend {
	exec(ref: ContainerRef, options: ExecOptions): Promise<ContainerExec>;
	state(ref: ContainerRef): Promise<ContainerState>;
	/** The container's identity; throws ContainerBackendError `missing` when there is none by that name or id. */
	inspect(ref: ContainerRef): Promise<ContainerIdentity>;
	start(ref: ContainerRef): Promise<void>;
	stop(ref: ContainerRef): Promise<void>;
	/** True when the path exists and is executable inside the container (e.g. the sftp-server). */
	hasExecutable(ref: ContainerRef, path: string): Promise<boolean>;
	/** The engine's version ("28.2.2"), asked with the short state() budget: the Servers page's reachability check. */
	engineVersion(endpoint: DockerEndpoint): Promise<string>;
}

export const CONTAINER_BACKEND_ERROR_REASONS = ['missing', 'not_running', 'unreachable', 'blocked_address', 'engine'] as const;
export type ContainerBackendErrorReason = (typeof CONTAINER_BACKEND_ERROR_REASONS)[number];

/**
 * Marks a ContainerBackendError. The server entry (src/server.ts) and the SvelteKit bundle load this
 * module twice, as two classes, so `instanceof` fails across them; a registered symbol is the same in
 * both graphs.
 */
const BRAND = Symbol.for('ocore.ContainerBackendError');

/**
 * What a backend throws, so callers can tell a missing container or an unreachable engine from other
 * failures without parsing engine messages. The message is for operators (logs), not end users.
 * Classify with isContainerBackendError, never with instanceof (see BRAND).
 */
export class ContainerBackendError extends Error {
	readonly [BRAND] = true;

	constructor(
		readonly reason: ContainerBackendErrorReason,
		message: string,
		options?: { cause?: unknown }
	) {
		super(message, options);
		this.name = 'ContainerBackendError';
	}
}

export function isContainerBackendError(value: unknown): value is ContainerBackendError {
	if (typeof value !== 'object' || value === null || (value as { [BRAND]?: unknown })[BRAND] !== true) return false;
	return (CONTAINER_BACKEND_ERROR_REASONS as readonly unknown[]).includes((value as { reason?: unknown }).reason);
}
