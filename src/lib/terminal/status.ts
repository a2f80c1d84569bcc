/**
 * What the terminal page's status line says about how a terminal ended or why it never opened, in
 * plain words. The server's own sentence (an exit message's `message`, a refusal's JSON `message`)
 * wins when it sends one; these fall-backs cover a server that sends none.
 */
import type { ExitMessage } from './protocol';
import { CLOSE_CODES } from './protocol';

export const COULD_NOT_CONNECT = 'Could not connect';
export const CONNECTION_LOST = 'Connection lost: the network or the server stopped answering.';

const REASON_FALLBACK: Record<ExitMessage['reason'], string> = {
	closed: 'The session ended.',
	idle_timeout: 'The terminal was idle for too long.',
	revoked: 'Your access to this instance was revoked.',
	limit: 'Session limit reached: close another terminal or SSH session, then reconnect.',
	error: "The instance's Docker engine could not be reached.",
	abandoned: 'The gateway stopped.'
};

/** The status line after the server's exit message: the shell's exit status, or the reason. */
export function exitText(exit: ExitMessage): string {
	if (exit.reason === 'closed' && exit.status !== null) return `Exited with status ${exit.status}`;
	if (exit.reason === 'closed' && exit.signal) return `Exited on signal ${exit.signal}`;
	return `Closed: ${exit.message ?? REASON_FALLBACK[exit.reason]}`;
}

/** The status line when an open socket closed without an exit message. */
export function closeText(code: number, reason: string): string {
	// The door closes with the exit reason's code after the exit message; should that message be lost, say the code in words.
	if (reason in REASON_FALLBACK) return `Closed: ${REASON_FALLBACK[reason as ExitMessage['reason']]}`;
	if (reason) return `Closed: ${reason}`;
	if (code === CLOSE_CODES.shutdown) return 'Closed: the server is restarting. Reconnect in a moment.';
	return `Closed: ${CONNECTION_LOST}`;
}

const STATUS_FALLBACK: Record<number, string> = {
	401: 'You are signed out. Sign in again to open a terminal.',
	403: 'You are not allowed to open a terminal on this instance.',
	404: 'Instance not found.',
	409: 'The instance is not running. Start it, then reconnect.',
	429: 'Session limit reached: close another terminal or SSH session, then reconnect.',
	502: "The instance's Docker engine could not be reached.",
	503: "The instance's Docker engine could not be reached."
};

/** The plain sentence for a refused ticket request: the server's message, else one for its status. */
export function refusalText(status: number, body: unknown): string {
	const message = typeof body === 'object' && body !== null && 'message' in body ? (body as { message: unknown }).message : null;
	if (typeof message === 'string' && message.trim()) return message;
	return STATUS_FALLBACK[status] ?? COULD_NOT_CONNECT;
}
