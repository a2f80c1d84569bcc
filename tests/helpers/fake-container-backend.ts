/**
 * An in-memory ContainerBackend for tests of the gateway core: "processes" are small scripts over
 * real Node streams (with real backpressure), so the core is tested without Docker. The scripts
 * understand a few commands of the `/bin/sh -c <command>` the core runs:
 * `cat` (echo stdin until EOF), `exit N`, `wait` (until closed), `flood` (write output as fast as
 * the reader allows, counting what was accepted), anything else: print the command and exit 0.
 */
import { PassThrough, type Readable, type Writable } from 'node:stream';
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
	type ExecSignal
} from '../../src/lib/server/containers/container-backend';

export type FakeExecRecord = { ref: ContainerRef; options: ExecOptions; exec: FakeExec };

export class FakeExec implements ContainerExec {
	readonly stdin = new PassThrough();
	readonly stdout = new PassThrough();
	readonly stderr: PassThrough | null;
	readonly resizes: Array<[number, number]> = [];
	closed = false;
	/** Bytes the "process" managed to write before the reader pushed back (flood). */
	floodAccepted = 0;
	private exitResolve!: (exit: ExecExit) => void;
	private readonly exitPromise = new Promise<ExecExit>((resolve) => (this.exitResolve = resolve));

	constructor(readonly options: ExecOptions) {
		this.stderr = options.tty ? null : new PassThrough();
		void this.run();
	}

	get command(): string {
		const cmd = this.options.cmd;
		// The gateway starts every session in the home directory (ssh-gateway/core/commands.ts): that
		// `cd` is not part of the user's command.
		return cmd[0] === '/bin/sh' && cmd[1] === '-c' ? cmd[cmd.length - 1]!.replace(/^cd "\$HOME" 2>\/dev\/null \|\| cd \/; /, '') : cmd.join(' ');
	}

	private finish(exitCode: number | null) {
		this.stdout.end();
		this.stderr?.end();
		this.exitResolve({ exitCode });
	}

	private async run() {
		const command = this.command;
		const exit = /^exit (\d+)$/.exec(command);
		if (exit) return this.finish(Number(exit[1]));
		if (command === 'cat') {
			this.stdin.pipe(this.stdout, { end: false });
			this.stdin.on('end', () => this.finish(0));
			return;
		}
		if (command === 'wait') return;
		if (command === 'flood') {
			const chunk = Buffer.alloc(64 * 1024, 0x61);
			const pump = () => {
				while (!this.closed && this.floodAccepted < 256 * 1024 * 1024) {
					this.floodAccepted += chunk.length;
					if (!this.stdout.write(chunk)) return void this.stdout.once('drain', pump);
				}
			};
			pump();
			return;
		}
		this.stdout.write(`ran: ${command}\n`);
		this.finish(0);
	}

	async resize(cols: number, rows: number): Promise<void> {
		this.resizes.push([cols, rows]);
	}

	wait(): Promise<ExecExit> {
		return this.exitPromise;
	}

	/** Signals received; TERM, INT, HUP and KILL end the "process" as if it died of them (128+N). */
	readonly signals: string[] = [];

	async signal(name: ExecSignal): Promise<void> {
		this.signals.push(name);
		const fatal: Record<string, number> = { HUP: 1, INT: 2, KILL: 9, TERM: 15 };
		if (fatal[name] !== undefined && !this.closed) this.finish(128 + fatal[name]!);
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		this.finish(null);
	}
}

export class FakeContainerBackend implements ContainerBackend {
	readonly execs: FakeExecRecord[] = [];
	states = new Map<string, ContainerState>();
	executables = new Set<string>(['/usr/lib/openssh/sftp-server']);
	failExec: Error | null = null;
	/** What engineVersion() answers; an Error is thrown instead. */
	version: string | Error = '28.2.2';

	async exec(ref: ContainerRef, options: ExecOptions): Promise<ContainerExec> {
		if (this.failExec) throw this.failExec;
		const exec = new FakeExec(options);
		this.execs.push({ ref, options, exec });
		return exec;
	}

	async state(ref: ContainerRef): Promise<ContainerState> {
		return this.states.get(ref.container) ?? 'running';
	}

	async inspect(ref: ContainerRef): Promise<ContainerIdentity> {
		const state = await this.state(ref);
		if (state === 'missing') throw new ContainerBackendError('missing', `inspect ${ref.container}: not found`);
		return { id: ref.container, name: ref.container, labels: {}, state };
	}

	async start(ref: ContainerRef): Promise<void> {
		this.states.set(ref.container, 'running');
	}

	async stop(ref: ContainerRef): Promise<void> {
		this.states.set(ref.container, 'stopped');
	}

	async hasExecutable(_ref: ContainerRef, path: string): Promise<boolean> {
		return this.executables.has(path);
	}

	async engineVersion(_endpoint: DockerEndpoint): Promise<string> {
		if (this.version instanceof Error) throw this.version;
		return this.version;
	}

	get last(): FakeExec {
		return this.execs.at(-1)!.exec;
	}
}

/** Reads a stream to the end. */
export async function readAll(stream: Readable): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export function endInput(stream: Writable, text?: string): void {
	stream.end(text);
}
