/**
 * The browser terminal's wire protocol on `GET /ws/terminal?ticket=…&cols=…&rows=…`, shared by the
 * page (src/routes/instances/[slug]/terminal) and the WebSocket door (ssh-gateway/ws):
 * - binary frames carry terminal bytes both ways (keystrokes in, screen output out);
 * - text frames carry small JSON control messages: the browser sends `resize`, the server sends
 *   `exit` once, just before it closes the socket.
 * Anything else in a text frame is ignored by both sides, so either can grow the protocol.
 */
import { z } from 'zod';

export const TERMINAL_PATH = '/ws/terminal';

/** Limits of a pty size, as the SSH door clamps them (ssh-gateway/core/channel.ts). */
export const TERMINAL_MIN_SIZE = 1;
export const TERMINAL_MAX_SIZE = 1000;

const size = z.number().int().min(TERMINAL_MIN_SIZE).max(TERMINAL_MAX_SIZE);

export const resizeMessage = z.object({ type: z.literal('resize'), cols: size, rows: size });
export type ResizeMessage = z.infer<typeof resizeMessage>;

/**
 * Why the terminal ended, for the status line: `exited` (the shell exited with `status`, or died of
 * `signal`), or the gateway's reason with a plain `message` (idle timeout, access revoked ...).
 */
export const exitMessage = z.object({
	type: z.literal('exit'),
	status: z.number().int().nullable(),
	signal: z.string().optional(),
	reason: z.enum(['closed', 'idle_timeout', 'revoked', 'limit', 'error', 'abandoned']),
	message: z.string().optional()
});
export type ExitMessage = z.infer<typeof exitMessage>;

/** A control message from the browser, or null for anything the server does not understand. */
export function parseClientMessage(text: string): ResizeMessage | null {
	try {
		const parsed = resizeMessage.safeParse(JSON.parse(text));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

/** A control message from the server, or null. */
export function parseServerMessage(text: string): ExitMessage | null {
	try {
		const parsed = exitMessage.safeParse(JSON.parse(text));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

/**
 * WebSocket close codes the door uses (4000-4999 are the application's): the page shows `reason`
 * (a plain sentence) when the socket closes without an exit message.
 */
export const CLOSE_CODES = {
	/** The shell ended; an exit message came first. */
	normal: 1000,
	/** The peer stopped answering pings. */
	dead: 4001,
	/** The gateway is shutting down. */
	shutdown: 1001
} as const;

/** The ticket answer of `POST /api/instances/{slug}/terminal-ticket` (tRPC `terminal.ticket`). */
export type TerminalTicket = { ticket: string; expiresAt: string; path: string };
