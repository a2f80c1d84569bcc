/**
 * One browser terminal's WebSocket joined to its container session (the protocol is
 * src/lib/terminal/protocol.ts): binary frames are terminal bytes both ways, text frames carry JSON
 * resize (in) and exit (out, once, just before the close).
 *
 * Backpressure, both ways, so a peer that stops reading never grows this process's memory without
 * bound:
 * - out: after each frame, when the socket's bufferedAmount passes HIGH_WATER_MARK_BYTES, the container
 *   output is paused; it resumes when a completed send finds the buffer below half of that. At most
 *   the high-water mark plus one chunk is ever buffered for a client that reads nothing.
 * - in: when the process's stdin refuses more, the socket stops reading until stdin drains, so TCP
 *   pushes back on the browser.
 * Liveness: a ping every PING_INTERVAL_MS; a peer that has not answered the previous one is dropped.
 */
import { finished } from 'node:stream/promises';
import type { WebSocket } from 'ws';
import { parseClientMessage, type ExitMessage } from '../../src/lib/terminal/protocol';
import type { SessionChannel } from '../core/channel';
import type { ContainerSession, SessionExit } from '../core/types';

export const HIGH_WATER_MARK_BYTES = 256 * 1024;
export const PING_INTERVAL_MS = 20_000;
const DEAD_PEER_CLOSE_CODE = 4001;

export type TerminalSocketOptions = {
	highWaterMarkBytes?: number;
	pingIntervalMs?: number;
	/** Told the socket's buffered bytes after each output frame (tests and the benchmark watch the bound). */
	observeBuffered?(bufferedBytes: number, chunkBytes: number): void;
};

function exitMessage(exit: SessionExit): ExitMessage {
	const message: ExitMessage = { type: 'exit', status: exit.exitCode, reason: exit.reason };
	if (exit.signal) message.signal = exit.signal;
	if (exit.message !== undefined) message.message = exit.message;
	return message;
}

export function bindTerminalSocket(ws: WebSocket, channel: SessionChannel, session: ContainerSession, options: TerminalSocketOptions = {}): void {
	const highWaterMark = options.highWaterMarkBytes ?? HIGH_WATER_MARK_BYTES;
	const lowWaterMark = Math.floor(highWaterMark / 2);
	let outputPaused = false;
	let alive = true;

	const resumeIfDrained = () => {
		if (outputPaused && ws.bufferedAmount <= lowWaterMark) {
			outputPaused = false;
			session.stdout.resume();
		}
	};
	session.stdout.on('data', (chunk: Buffer) => {
		if (ws.readyState !== ws.OPEN) return;
		ws.send(chunk, { binary: true }, resumeIfDrained);
		options.observeBuffered?.(ws.bufferedAmount, chunk.length);
		if (ws.bufferedAmount > highWaterMark && !outputPaused) {
			outputPaused = true;
			session.stdout.pause();
		}
	});

	ws.on('message', (data: Buffer, isBinary: boolean) => {
		if (!isBinary) {
			const control = parseClientMessage(data.toString('utf8'));
			if (control) channel.window(control.cols, control.rows);
			return;
		}
		if (!session.stdin.writable) return;
		if (!session.stdin.write(data)) {
			ws.pause();
			session.stdin.once('drain', () => ws.resume());
		}
	});
	ws.on('pong', () => {
		alive = true;
	});
	const pinger = setInterval(() => {
		if (!alive) {
			ws.close(DEAD_PEER_CLOSE_CODE, 'The browser stopped answering');
			ws.terminate();
			return;
		}
		alive = false;
		ws.ping();
	}, options.pingIntervalMs ?? PING_INTERVAL_MS);
	pinger.unref();

	ws.on('close', () => {
		clearInterval(pinger);
		channel.close('closed');
	});
	ws.on('error', () => ws.terminate());

	void session.exit.then(async (exit) => {
		// The process exited on its own: pass on all of its output first. A session the gateway ended
		// (idle, revoked) says so at once.
		if (exit.message === undefined) await finished(session.stdout).catch(() => {});
		if (ws.readyState !== ws.OPEN) return;
		ws.send(JSON.stringify(exitMessage(exit)));
		ws.close(1000, exit.reason);
	});
}
