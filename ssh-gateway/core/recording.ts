/**
 * Session recording, configured by SESSION_RECORDING:
 * - off: nothing beyond the gateway_sessions row and the audit log;
 * - metadata: also a session_recordings row (who, which instance, when, how long);
 * - full: also an asciicast v2 file, DATA_DIR/recordings/<instanceId>/<sessionId>.cast (mode 0600),
 *   with output events, and input events when SESSION_RECORDING_INPUT is true (input holds whatever
 *   the user types, passwords included: off by default).
 *
 * Policy: events are appended to the file as they pass, and the file's write buffer is part of the
 * session's backpressure chain (a slow disk slows the session, it never fills memory). File transfers
 * (sftp, scp, rsync) are recorded as metadata only: their bytes are not a terminal session. A file stops
 * growing at RECORDING_MAX_BYTES, with a marker event saying so.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { RecordingRows } from '../../src/lib/server/gateway-sessions/types';
import type { PtyRequest, RecordedKind } from './types';

export type RecordingMode = 'off' | 'metadata' | 'full';

export const RECORDING_MAX_BYTES = 64 * 1024 * 1024;
const DEFAULT_SIZE = { cols: 80, rows: 24 };

export interface SessionRecorder {
	/** false: wait for drain() before writing more. */
	output(chunk: Buffer): boolean;
	input(chunk: Buffer): boolean;
	resize(cols: number, rows: number): void;
	drain(): Promise<void>;
	finish(endedAt: Date): Promise<void>;
}

export type RecordingTarget = {
	sessionId: string;
	orgId: string;
	instanceId: string;
	userId: string;
	kind: RecordedKind;
	pty: PtyRequest | undefined;
	command: string | null;
	startedAt: Date;
};

export type RecordingDeps = {
	rows: RecordingRows;
	dataDir: string;
	mode: RecordingMode;
	includeInput: boolean;
	/** Defaults to RECORDING_MAX_BYTES; tests lower it. */
	maxBytes?: number;
};

export function recordingPath(dataDir: string, instanceId: string, sessionId: string): string {
	return path.join(dataDir, 'recordings', instanceId, `${sessionId}.cast`);
}

export function isTerminalKind(kind: RecordedKind): boolean {
	return kind === 'shell' || kind === 'exec';
}

/**
 * The recorder of one session, ready at once: its session_recordings row is inserted while the session
 * runs (off the critical path of its start), and finish() waits for that row before completing it. A
 * failed insert surfaces from finish(); the output is recorded from the first byte either way.
 */
export function startRecording(deps: RecordingDeps, target: RecordingTarget): SessionRecorder | null {
	if (deps.mode === 'off') return null;
	const full = deps.mode === 'full' && isTerminalKind(target.kind);
	const file = full ? recordingPath(deps.dataDir, target.instanceId, target.sessionId) : null;
	if (file) mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
	const recordingId = deps.rows.start({
		gatewaySessionId: target.sessionId,
		orgId: target.orgId,
		instanceId: target.instanceId,
		userId: target.userId,
		mode: full ? 'full' : 'metadata',
		includesInput: full && deps.includeInput,
		path: file,
		startedAt: target.startedAt
	});
	// Handled here so a failure is not an unhandled rejection before finish() reports it.
	recordingId.catch(() => {});
	const finishRow = async (endedAt: Date, sizeBytes: number) => deps.rows.finish(await recordingId, endedAt, sizeBytes);
	if (!file) {
		return {
			output: () => true,
			input: () => true,
			resize: () => {},
			drain: async () => {},
			finish: (endedAt) => finishRow(endedAt, 0)
		};
	}
	const stream = createWriteStream(file, { flags: 'wx', mode: 0o600 });
	return new AsciicastWriter(stream, target, deps.includeInput, deps.maxBytes ?? RECORDING_MAX_BYTES, finishRow);
}

class AsciicastWriter implements SessionRecorder {
	private readonly startMs = performance.now();
	private readonly outputDecoder = new StringDecoder('utf8');
	private readonly inputDecoder = new StringDecoder('utf8');
	private sizeBytes = 0;
	private truncated = false;
	private failed = false;

	constructor(
		private readonly stream: WriteStream,
		target: RecordingTarget,
		private readonly includeInput: boolean,
		private readonly maxBytes: number,
		private readonly finishRow: (endedAt: Date, sizeBytes: number) => Promise<void>
	) {
		// A recording must never take the session down: a disk error stops the recording, not the session.
		stream.on('error', () => {
			this.failed = true;
		});
		const size = target.pty ?? DEFAULT_SIZE;
		const header: Record<string, unknown> = {
			version: 2,
			width: size.cols,
			height: size.rows,
			timestamp: Math.floor(target.startedAt.getTime() / 1000),
			env: { TERM: target.pty?.term ?? '', SHELL: '/bin/sh' },
			title: target.command ?? target.kind
		};
		this.append(JSON.stringify(header));
	}

	private elapsed(): number {
		return Math.round(performance.now() - this.startMs) / 1000;
	}

	private append(line: string): boolean {
		if (this.failed || this.truncated) return true;
		const bytes = Buffer.byteLength(line) + 1;
		if (this.sizeBytes + bytes > this.maxBytes) {
			this.truncated = true;
			const marker = JSON.stringify([this.elapsed(), 'm', 'recording truncated: size limit reached']) + '\n';
			this.sizeBytes += Buffer.byteLength(marker);
			return this.stream.write(marker);
		}
		this.sizeBytes += bytes;
		return this.stream.write(line + '\n');
	}

	private event(type: 'o' | 'i', text: string): boolean {
		if (text === '') return true;
		return this.append(JSON.stringify([this.elapsed(), type, text]));
	}

	output(chunk: Buffer): boolean {
		return this.event('o', this.outputDecoder.write(chunk));
	}

	input(chunk: Buffer): boolean {
		if (!this.includeInput) return true;
		return this.event('i', this.inputDecoder.write(chunk));
	}

	resize(cols: number, rows: number): void {
		this.append(JSON.stringify([this.elapsed(), 'r', `${cols}x${rows}`]));
	}

	async drain(): Promise<void> {
		if (this.failed || !this.stream.writableNeedDrain) return;
		// A stream that is being ended never emits 'drain'. The session may end (finish() below) while its
		// last output still waits here; without 'finish' and 'close' that output, and the exit status
		// behind it, waited until the idle timeout cut the connection.
		await Promise.race([once(this.stream, 'drain'), once(this.stream, 'error'), once(this.stream, 'finish'), once(this.stream, 'close')]).catch(() => {});
	}

	async finish(endedAt: Date): Promise<void> {
		this.event('o', this.outputDecoder.end());
		if (this.includeInput) this.event('i', this.inputDecoder.end());
		if (!this.failed) await new Promise<void>((resolve) => this.stream.end(resolve));
		else this.stream.destroy();
		await this.finishRow(endedAt, this.sizeBytes);
	}
}
