/**
 * One session channel, as a front door sees it: one method per request type, following the SSH
 * connection protocol's session requests (env, pty, window-change, shell, exec, subsystem, signal,
 * close). The browser terminal uses the same interface (pty + shell + window).
 *
 * Three implementations: ContainerChannel (the real thing, on a GatewayConnection), refusedChannel
 * (a connection denied by policy: every start answers with the refusal line), and withChannelPolicy,
 * a decorator with the same interface that applies what the gateway allows:
 * - env: only LANG, LC_* and TERM, with bounded values; anything else is ignored (answered false);
 * - pty: TERM limited to a plain terminal name, sizes clamped to 1..1000;
 * - subsystem: only sftp;
 * - exec: commands up to 64 KiB without NUL bytes;
 * - one start (shell, exec or subsystem) per channel.
 */
import { isExecSignal } from '../../src/lib/server/containers/container-backend';
import { rejections } from './rejections';
import type { ContainerSession, EndReason, PtyRequest, SessionRequest, StartResult } from './types';
import type { Rejection } from './rejections';

export interface SessionChannel {
	env(name: string, value: string): boolean;
	pty(request: PtyRequest): boolean;
	window(cols: number, rows: number): void;
	shell(): Promise<StartResult>;
	exec(command: string): Promise<StartResult>;
	subsystem(name: string): Promise<StartResult>;
	/** Sends a signal to the running process; false when none runs or the name is not allowed. */
	signal(name: string): boolean;
	close(reason?: EndReason): void;
}

export type SessionOpener = (request: SessionRequest) => Promise<StartResult>;

export class ContainerChannel implements SessionChannel {
	private readonly environment: Record<string, string> = {};
	private ptyRequest: PtyRequest | undefined;
	private session: ContainerSession | undefined;
	private closed = false;

	constructor(private readonly open: SessionOpener) {}

	env(name: string, value: string): boolean {
		this.environment[name] = value;
		return true;
	}

	pty(request: PtyRequest): boolean {
		this.ptyRequest = { ...request };
		return true;
	}

	window(cols: number, rows: number): void {
		if (this.ptyRequest) this.ptyRequest = { ...this.ptyRequest, cols, rows };
		this.session?.resize(cols, rows);
	}

	private async start(request: Omit<SessionRequest, 'env' | 'pty'>): Promise<StartResult> {
		const result = await this.open({ ...request, pty: this.ptyRequest, env: { ...this.environment } });
		if (result.ok) {
			this.session = result.session;
			if (this.closed) result.session.close('closed');
		}
		return result;
	}

	shell() {
		return this.start({ kind: 'shell' });
	}

	exec(command: string) {
		return this.start({ kind: 'exec', command });
	}

	subsystem(name: string) {
		return this.start({ kind: 'subsystem', command: name });
	}

	/** Only the RFC 4254 names (INT, TERM, HUP, KILL ...), and only while a process runs. */
	signal(name: string): boolean {
		if (!this.session || this.closed || !isExecSignal(name)) return false;
		this.session.signal(name);
		return true;
	}

	close(reason: EndReason = 'closed'): void {
		this.closed = true;
		this.session?.close(reason);
	}
}

/** For a known user refused by policy: the channel opens, and every start answers with the refusal. */
export function refusedChannel(rejection: Rejection, onRefused: (request: Pick<SessionRequest, 'kind' | 'command'>) => Promise<void>): SessionChannel {
	const refuse = async (request: Pick<SessionRequest, 'kind' | 'command'>): Promise<StartResult> => {
		await onRefused(request).catch(() => {});
		return rejection;
	};
	return {
		env: () => true,
		pty: () => true,
		window: () => {},
		shell: () => refuse({ kind: 'shell' }),
		exec: (command) => refuse({ kind: 'exec', command }),
		subsystem: (name) => refuse({ kind: 'subsystem', command: name }),
		signal: () => false,
		close: () => {}
	};
}

const ENV_ALLOWED = /^(LANG|LC_[A-Z]+|TERM)$/;
const ENV_VALUE_MAX = 256;
const TERM_PATTERN = /^[A-Za-z0-9._+-]{1,64}$/;
export const EXEC_COMMAND_MAX_BYTES = 64 * 1024;
const SIZE_MAX = 1000;

function clampSize(n: number, fallback: number): number {
	if (!Number.isFinite(n) || n < 1) return fallback;
	return Math.min(SIZE_MAX, Math.floor(n));
}

export function isAllowedEnv(name: string, value: string): boolean {
	return ENV_ALLOWED.test(name) && value.length <= ENV_VALUE_MAX && !/[\0\n\r]/.test(value);
}

export function withChannelPolicy(inner: SessionChannel): SessionChannel {
	let started = false;
	const once = (start: () => Promise<StartResult>): Promise<StartResult> => {
		if (started) return Promise.resolve(rejections.unsupported('a second shell, exec or subsystem on one channel'));
		started = true;
		return start();
	};
	return {
		env: (name, value) => !started && isAllowedEnv(name, value) && inner.env(name, value),
		pty: (request) =>
			!started &&
			inner.pty({
				term: TERM_PATTERN.test(request.term) ? request.term : 'xterm',
				cols: clampSize(request.cols, 80),
				rows: clampSize(request.rows, 24)
			}),
		window: (cols, rows) => inner.window(clampSize(cols, 80), clampSize(rows, 24)),
		shell: () => once(() => inner.shell()),
		exec: (command) => {
			if (Buffer.byteLength(command) > EXEC_COMMAND_MAX_BYTES || command.includes('\0')) {
				return once(async () => rejections.unsupported('a command longer than 64 KiB or with NUL bytes'));
			}
			return once(() => inner.exec(command));
		},
		subsystem: (name) => {
			if (name !== 'sftp') return once(async () => rejections.unsupported(`subsystem ${name}`));
			return once(() => inner.subsystem(name));
		},
		signal: (name) => inner.signal(name),
		close: (reason) => inner.close(reason)
	};
}
