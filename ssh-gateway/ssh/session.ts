/**
 * One SSH session channel mapped onto the core's SessionChannel: one handler per request type.
 * Refusals (policy, limits, a missing sftp-server) are delivered the way OpenSSH shows them best:
 * the request is accepted, the readable line goes to the channel's stderr, and the channel exits
 * with status 1, so `ssh` prints exactly the line. X11 and agent forwarding are refused.
 *
 * Backpressure: container output is piped into the channel (ssh2's Channel.write() returns false
 * when the client's window is used up; pipe() then pauses the container stream until 'drain'), and
 * the channel is piped into the container's stdin (a full stdin pauses the channel, which stops
 * ssh2 from granting the client more window). Nothing here queues data of its own.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { ServerChannel, Session } from 'ssh2';
import type { SessionChannel } from '../core/channel';
import type { ContainerSession, SessionExit, StartResult } from '../core/types';

export type SessionHooks = {
	/** A refusal was delivered on this channel (the connection then ends). */
	onRefused(): void;
	/** A started session ended because the gateway closed it (idle timeout, revocation). */
	onForcedEnd(): void;
};

type Accept = (() => ServerChannel) | undefined;

/**
 * Resolves once everything written so far has gone to the client. Not on 'drain' alone: that
 * follows only a write() that returned false, so output that never filled the buffer but still
 * waited for the client's window (Dropbear's is 24 KiB) held the exit status back until the idle
 * timeout. An empty write's callback runs once every earlier chunk's has.
 */
async function drained(stream: NodeJS.WritableStream & { writableLength?: number }): Promise<void> {
	if (!stream.writableLength) return;
	await Promise.race([new Promise<void>((resolve) => stream.write(Buffer.alloc(0), () => resolve())), once(stream as never, 'close')]);
}

function isOpen(stream: ServerChannel): boolean {
	return (stream as unknown as { outgoing: { state: string } }).outgoing.state === 'open';
}

export function bindSession(session: Session, channel: SessionChannel, hooks: SessionHooks): void {
	let pty = false;

	session.on('env', (accept, reject, info) => (channel.env(info.key, info.val) ? accept?.() : reject?.()));
	session.on('pty', (accept, reject, info) => {
		pty = channel.pty({ term: info.term, cols: info.cols, rows: info.rows });
		return pty ? accept?.() : reject?.();
	});
	session.on('window-change', (accept, _reject, info) => {
		channel.window(info.cols, info.rows);
		accept?.();
	});
	session.on('signal', (accept, reject, info) => (channel.signal(info.name) ? accept?.() : reject?.()));
	session.on('x11', (_accept, reject) => reject?.());
	session.on('auth-agent', (_accept, reject) => reject?.());
	session.on('shell', (accept) => void run(accept, () => channel.shell()));
	session.on('exec', (accept, _reject, info) => void run(accept, () => channel.exec(info.command)));
	session.on('subsystem', (accept, _reject, info) => void run(accept, () => channel.subsystem(info.name)));
	session.on('close', () => channel.close('closed'));

	const newline = () => (pty ? '\r\n' : '\n');

	async function run(accept: Accept, start: () => Promise<StartResult>) {
		if (!accept) return;
		const stream = accept();
		stream.on('error', () => {});
		stream.stderr.on('error', () => {});
		let result: StartResult;
		try {
			result = await start();
		} catch {
			result = { ok: false, code: 'backend_error', userMessage: 'Could not open a session in the instance; try again later', operatorReason: 'start threw' };
		}
		if (!result.ok) {
			if (isOpen(stream)) {
				stream.stderr.write(result.userMessage + newline());
				stream.exit(1);
				stream.end();
			}
			hooks.onRefused();
			return;
		}
		await pipeSession(stream, result.session);
	}

	async function pipeSession(stream: ServerChannel, s: ContainerSession) {
		s.stdout.pipe(stream, { end: false });
		s.stderr?.pipe(stream.stderr, { end: false });
		stream.pipe(s.stdin);
		stream.on('close', () => s.close('closed'));

		const exit = await s.exit;
		if (exit.message !== undefined) {
			s.stdout.unpipe(stream);
			s.stderr?.unpipe(stream.stderr);
			stream.unpipe(s.stdin);
			if (isOpen(stream)) {
				stream.stderr.write((pty ? '\r\n' : '') + exit.message + newline());
				stream.end();
			}
			hooks.onForcedEnd();
			return;
		}
		// The process exited: pass on all of its output, then the exit status, then close.
		await Promise.all([finished(s.stdout).catch(() => {}), s.stderr ? finished(s.stderr).catch(() => {}) : undefined]);
		stream.unpipe(s.stdin);
		if (!isOpen(stream)) return;
		await Promise.all([drained(stream), drained(stream.stderr)]);
		if (!isOpen(stream)) return;
		sendExit(stream, exit);
		stream.end();
	}
}

function sendExit(stream: ServerChannel, exit: SessionExit) {
	if (exit.signal) stream.exit(exit.signal, false, `Killed by signal ${exit.signal}`);
	else stream.exit(exit.exitCode ?? 255);
}
