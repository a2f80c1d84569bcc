/**
 * Opening one container session: take a slot under the per-user limit, start the process through the
 * ContainerBackend, and hand the front door a ContainerSession whose streams count bytes, feed the
 * connection's idle timer and the recorder, and whose exit settles exactly once, after which the
 * gateway_sessions row, the recording and the ssh.session_ended audit row are written.
 *
 * Backpressure: the session streams are Transforms with the default (64 KiB) buffers, piped from and
 * to the backend's streams, and the recorder's file buffer is waited on before a chunk is passed on;
 * nothing in here buffers more than a chunk or two whatever the speed of either side.
 */
import { Transform, type Readable, type TransformCallback, type Writable } from 'node:stream';
import type { Clock } from '../../src/lib/server/clock';
import type { ContainerBackend, ContainerExec, ContainerRef } from '../../src/lib/server/containers/container-backend';
import { sessionEndedRow, sessionStartedRow, type AuditSink } from '../../src/lib/server/gateway-sessions/audit';
import type { SessionStore } from '../../src/lib/server/gateway-sessions/types';
import { classify, commandFor, signalFromStatus } from './commands';
import type { GatewayLog } from './log';
import { startRecording, type RecordingDeps, type SessionRecorder } from './recording';
import { rejections, type RefusalScope } from './rejections';
import type { ContainerSession, EndReason, Grant, RecordedKind, SessionExit, SessionRequest, StartResult } from './types';

/** What the revocation watcher and shutdown need to know about a live session. */
export type LiveSession = {
	id: string;
	grant: Grant;
	close(reason: EndReason, message?: string): void;
	/** Settles when the rows and audit of the ended session are written. */
	finished: Promise<void>;
};

export type OpenSessionDeps = {
	clock: Clock;
	backend: ContainerBackend;
	sessions: SessionStore;
	audit: AuditSink;
	recording: RecordingDeps;
	maxSessionsPerUser: number;
	sftpServerPath: string;
	log: GatewayLog;
	/** Called with every chunk in either direction (the connection's idle timer). */
	onActivity?: () => void;
	onLive?: (session: LiveSession) => void;
	onGone?: (session: LiveSession) => void;
};

type Counter = { bytes: number };

/**
 * A pass-through that counts, reports activity and feeds the recorder, waiting for it when it lags.
 * With `batchInto`, the chunks that arrive in one tick (an SSH read holds several 32 KiB packets)
 * reach that stream in one write (cork until the next tick): fewer syscalls to the Docker socket.
 */
function tap(
	counter: Counter,
	onActivity: (() => void) | undefined,
	record: ((chunk: Buffer) => boolean) | null,
	recorder: SessionRecorder | null,
	batchInto?: Writable
) {
	return new Transform({
		transform(chunk: Buffer, _encoding, callback: TransformCallback) {
			counter.bytes += chunk.length;
			onActivity?.();
			if (batchInto && !batchInto.writableCorked) {
				batchInto.cork();
				process.nextTick(() => batchInto.uncork());
			}
			if (record && !record(chunk) && recorder) {
				recorder.drain().then(() => callback(null, chunk), () => callback(null, chunk));
				return;
			}
			callback(null, chunk);
		}
	});
}

function scopeOf(grant: Grant): RefusalScope {
	return { user: grant.user, org: grant.org, instance: { id: grant.instance.id, slug: grant.instance.slug } };
}

async function failedToStart(deps: OpenSessionDeps, ref: ContainerRef, grant: Grant, err: unknown) {
	const detail = err instanceof Error ? err.message : String(err);
	const state = await deps.backend.state(ref).catch(() => 'unknown');
	if (state === 'stopped' || state === 'missing') return rejections.instanceStopped(grant.instance.slug, `container ${state}`);
	return rejections.backendError(detail);
}

export async function openContainerSession(deps: OpenSessionDeps, grant: Grant, request: SessionRequest): Promise<StartResult> {
	const kind: RecordedKind = classify(request);
	const command = request.kind === 'shell' ? null : (request.command ?? null);
	const ref: ContainerRef = { endpoint: grant.endpoint, container: grant.instance.container };
	if (kind === 'subsystem') return rejections.unsupported(`subsystem ${request.command}`);

	if (kind === 'sftp' && !(await deps.backend.hasExecutable(ref, deps.sftpServerPath).catch(() => false))) {
		return { ...rejections.sftpUnavailable(deps.sftpServerPath), scope: scopeOf(grant) };
	}

	const row = {
		userId: grant.user.id,
		orgId: grant.org.id,
		instanceId: grant.instance.id,
		instanceSlug: grant.instance.slug,
		keyFingerprint: grant.keyFingerprint,
		transport: grant.transport,
		clientIp: grant.clientIp,
		kind,
		command
	};
	const slot = await deps.sessions.tryOpen(row, deps.maxSessionsPerUser);
	if (!slot.ok) return { ...rejections.sessionLimit(deps.maxSessionsPerUser, slot.open), scope: scopeOf(grant) };

	const env: Record<string, string> = { ...request.env };
	if (request.pty) env.TERM = request.pty.term;
	let exec: ContainerExec;
	try {
		exec = await deps.backend.exec(ref, {
			cmd: commandFor(request, kind, deps.sftpServerPath),
			tty: request.pty !== undefined,
			env,
			cols: request.pty?.cols,
			rows: request.pty?.rows
		});
	} catch (err) {
		const rejection = await failedToStart(deps, ref, grant, err);
		await deps.sessions.close(slot.id, { bytesIn: 0, bytesOut: 0, exitStatus: null, endReason: 'error' });
		return { ...rejection, scope: scopeOf(grant) };
	}

	// The process runs now; its session_started row and recording row are written while it does, off
	// the critical path. The end waits for both (the chain keeps started before ended), and so does
	// shutdown, through `finished`. A session whose start cannot be audited is ended.
	let recorder: SessionRecorder | null = null;
	try {
		recorder = startRecording(deps.recording, {
			sessionId: slot.id,
			orgId: grant.org.id,
			instanceId: grant.instance.id,
			userId: grant.user.id,
			kind,
			pty: request.pty,
			command,
			startedAt: slot.startedAt
		});
	} catch (err) {
		deps.log.error('recording could not start', { sessionId: slot.id, error: String(err) });
	}
	const started = deps.audit.append(sessionStartedRow(grant, { id: slot.id, kind, command, pty: request.pty !== undefined }), slot.startedAt).then(
		() => true,
		(err) => {
			deps.log.error('could not audit the start of a session; ending it', { sessionId: slot.id, error: String(err) });
			session.close('error', 'The session ended because of a gateway error');
			return false;
		}
	);
	deps.log.started(grant, slot.id, kind, command);

	const bytesIn: Counter = { bytes: 0 };
	const bytesOut: Counter = { bytes: 0 };
	const stdin = tap(bytesIn, deps.onActivity, recorder ? (c) => recorder.input(c) : null, recorder, exec.stdin);
	const stdout = tap(bytesOut, deps.onActivity, recorder ? (c) => recorder.output(c) : null, recorder);
	const stderr = exec.stderr ? tap(bytesOut, deps.onActivity, recorder ? (c) => recorder.output(c) : null, recorder) : null;
	// EOF from the client on a terminal is not a hang-up (as with sshd): the pty stays open, so
	// `printf 'cmd\nexit\n' | ssh -tt` runs its commands; without a pty EOF reaches the process.
	stdin.pipe(exec.stdin, { end: request.pty === undefined });
	exec.stdout.pipe(stdout);
	if (exec.stderr && stderr) exec.stderr.pipe(stderr);
	// A broken backend stream ends the session; it must never crash the process.
	for (const s of [exec.stdin, exec.stdout, exec.stderr, stdin, stdout, stderr]) s?.on('error', () => {});

	let settle!: (exit: SessionExit) => void;
	const exit = new Promise<SessionExit>((resolve) => (settle = resolve));
	let settled = false;
	let finished!: Promise<void>;

	const end = (result: SessionExit) => {
		if (settled) return;
		settled = true;
		settle(result);
		finished = (async () => {
			const endedAt = deps.clock.now();
			const totals = { bytesIn: bytesIn.bytes, bytesOut: bytesOut.bytes, exitStatus: result.exitCode, endReason: result.reason };
			await started;
			try {
				const { wasOpen } = await deps.sessions.close(slot.id, totals);
				await recorder?.finish(endedAt).catch((err) => deps.log.error('could not finish the recording of a session', { sessionId: slot.id, error: String(err) }));
				// A row a sweep closed already has its session_ended row: one per session.
				if (wasOpen) await deps.audit.append(sessionEndedRow(grant, { id: slot.id, kind, startedAt: slot.startedAt, ...totals }, result, endedAt), endedAt);
			} catch (err) {
				deps.log.error('could not record the end of a session', { sessionId: slot.id, error: String(err) });
			}
			deps.log.ended(grant, slot.id, result, totals);
			deps.onGone?.(live);
		})();
		live.finished = finished;
	};

	const detach = (source: Readable | null, target: Transform | null) => {
		if (!source || !target) return;
		source.unpipe(target);
		target.end();
	};

	const session: ContainerSession = {
		id: slot.id,
		kind,
		stdin,
		stdout,
		stderr,
		exit,
		resize(cols, rows) {
			if (!request.pty) return;
			recorder?.resize(cols, rows);
			exec.resize(cols, rows).catch(() => {});
		},
		signal(name) {
			if (settled) return;
			exec.signal(name).catch((err) => deps.log.error('could not deliver a signal', { sessionId: slot.id, signal: name, error: String(err) }));
		},
		close(reason, message) {
			if (settled) return;
			stdin.unpipe(exec.stdin);
			detach(exec.stdout, stdout);
			detach(exec.stderr, stderr);
			exec.close();
			end({ exitCode: null, reason, message });
		}
	};
	const live: LiveSession = { id: slot.id, grant, close: session.close, finished: Promise.resolve() };
	deps.onLive?.(live);

	exec.wait().then(
		(result) => {
			const signal = result.signal ?? signalFromStatus(kind, result.exitCode);
			end({ exitCode: signal ? null : result.exitCode, signal, reason: 'closed' });
		},
		(err) => {
			deps.log.error('container exec failed', { sessionId: slot.id, error: String(err) });
			session.close('error', 'The session ended because of a gateway error');
		}
	);
	return { ok: true, session };
}
