/**
 * The browser terminal's front door: `GET /ws/terminal?ticket=…&cols=…&rows=…`, a WebSocket upgrade on
 * the app's own HTTP server (ws in noServer mode), into the same gateway core as port 2222.
 *
 * Policy, in this order, each refusal an HTTP status and a JSON `{error, message}` before any upgrade:
 * 1. `Origin` must be APP_URL's origin (a page elsewhere cannot ride the user's cookie: 403);
 * 2. the browser session cookie must be live and the ticket issued to it, unused and unexpired
 *    (terminal/admission.ts: 401);
 * 3. the gateway core's authorization, exactly as for ssh (membership, 2FA rule, view:instances,
 *    running, the per-user session and connection limits across processes): 403 / 404 / 409 / 429;
 * 4. the shell must start in the container (502 otherwise).
 * Only then is the connection upgraded. From there the core owns the session: idle timeout, the
 * revocation watcher (which also ends terminals whose browser session was signed out or revoked),
 * the audit rows (transport web) and the recording.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { resolveClientIp } from '../../src/lib/server/http/client-ip';
import type { TerminalAdmission } from '../../src/lib/server/terminal/admission';
import { TERMINAL_PATH, resizeMessage } from '../../src/lib/terminal/protocol';
import type { GatewayCore } from '../core/gateway';
import type { GatewayLog } from '../core/log';
import type { RejectionCode } from '../core/rejections';
import { bindTerminalSocket, type TerminalSocketOptions } from './terminal-socket';

export const DEFAULT_COLS = 80;
export const DEFAULT_ROWS = 24;
const MAX_USER_AGENT_LENGTH = 200;
/** Enough for keystrokes, pastes and resize messages; a larger frame closes the socket (1009). */
const MAX_FRAME_BYTES = 1024 * 1024;

const STATUS_OF: Partial<Record<RejectionCode, number>> = {
	instance_not_found: 404,
	permission_denied: 403,
	mfa_required: 403,
	access_revoked: 403,
	instance_stopped: 409,
	session_limit: 429,
	connection_limit: 429,
	backend_error: 502
};

export type TerminalDoorOptions = {
	core: GatewayCore;
	/** APP_URL's origin: the only Origin a terminal may be opened from. */
	appOrigin: string;
	trustedProxyHops: number;
	admit(request: { ticket: string | null; cookieToken: string | null }): Promise<TerminalAdmission>;
	cookieName: string;
	log: GatewayLog;
	socket?: TerminalSocketOptions;
};

export type TerminalDoor = {
	/** Takes the upgrade when it is for the terminal path (true), else leaves it to others (false). */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
	/** Open terminals (for tests and benchmarks). */
	readonly openCount: number;
	close(): void;
};

function refuse(socket: Duplex, status: number, error: string, message: string): void {
	if (socket.destroyed) return;
	const body = JSON.stringify({ error, message });
	socket.end(
		`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
			'Content-Type: application/json; charset=utf-8\r\n' +
			'Cache-Control: no-store\r\n' +
			`Content-Length: ${Buffer.byteLength(body)}\r\n` +
			'Connection: close\r\n\r\n' +
			body
	);
}

/** One cookie's value from a Cookie header. By hand: Node has no parser, and this is one split. */
function cookieValue(header: string | undefined, name: string): string | null {
	for (const part of (header ?? '').split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
	}
	return null;
}

function initialSize(url: URL): { cols: number; rows: number } {
	const parsed = resizeMessage.safeParse({ type: 'resize', cols: Number(url.searchParams.get('cols')), rows: Number(url.searchParams.get('rows')) });
	return parsed.success ? { cols: parsed.data.cols, rows: parsed.data.rows } : { cols: DEFAULT_COLS, rows: DEFAULT_ROWS };
}

export function createTerminalDoor(options: TerminalDoorOptions): TerminalDoor {
	const { core, log } = options;
	const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
	const open = new Set<WebSocket>();

	async function admitAndOpen(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) {
		const clientIp = resolveClientIp(req.socket.remoteAddress ?? '', (req.headers['x-forwarded-for'] as string | undefined) ?? null, options.trustedProxyHops);
		if (req.headers.origin !== options.appOrigin) {
			log.info('browser terminal refused: wrong Origin', { clientIp, origin: req.headers.origin?.slice(0, MAX_USER_AGENT_LENGTH) ?? null });
			return refuse(socket, 403, 'forbidden_origin', `Terminals open only from ${options.appOrigin}`);
		}
		const admission = await options.admit({ ticket: url.searchParams.get('ticket'), cookieToken: cookieValue(req.headers.cookie, options.cookieName) });
		if (!admission.ok) return refuse(socket, admission.status, admission.error, admission.message);

		const connection = await core.connect({
			credential: { kind: 'user', userId: admission.userId, browserSessionId: admission.browserSessionId },
			username: admission.instanceSlug,
			clientIp,
			transport: 'websocket',
			clientSoftware: req.headers['user-agent']?.slice(0, MAX_USER_AGENT_LENGTH) ?? null
		});
		const channel = connection.channel();
		channel.env('LANG', 'C.UTF-8');
		channel.pty({ term: 'xterm-256color', ...initialSize(url) });
		const started = await channel.shell();
		if (!started.ok) {
			connection.close('closed');
			return refuse(socket, STATUS_OF[started.code] ?? 403, started.code, started.userMessage);
		}
		if (socket.destroyed) {
			connection.close('closed');
			return;
		}
		wss.handleUpgrade(req, socket, head, (ws) => {
			open.add(ws);
			bindTerminalSocket(ws, channel, started.session, options.socket);
			ws.on('close', () => {
				open.delete(ws);
				connection.close('closed');
			});
			// Revocation, idle timeout or shutdown: the session's exit message goes first, then the close.
			connection.onEnd(() => setTimeout(() => ws.terminate(), 1000).unref());
		});
	}

	return {
		handleUpgrade(req, socket, head) {
			const url = new URL(req.url ?? '/', 'http://terminal.invalid');
			if (url.pathname !== TERMINAL_PATH) return false;
			socket.on('error', () => socket.destroy());
			admitAndOpen(req, socket, head, url).catch((err: unknown) => {
				log.error('browser terminal failed to open', { error: err instanceof Error ? err.message : String(err) });
				refuse(socket, 500, 'internal', 'The terminal could not be opened; try again');
			});
			return true;
		},
		get openCount() {
			return open.size;
		},
		close() {
			for (const ws of open) ws.terminate();
			wss.close();
		}
	};
}
