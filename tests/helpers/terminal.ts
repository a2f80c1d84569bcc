/**
 * Browser-terminal test helpers: a signed-in browser session for a user, a ticket for it, and a `ws`
 * client that speaks the terminal protocol (src/lib/terminal/protocol.ts) and remembers what the
 * screen received, or the HTTP refusal when the upgrade is refused.
 */
import { WebSocket } from 'ws';
import type { AppContext } from '../../src/lib/server/app-context';
import { createBrowserSession } from '../../src/lib/server/auth/session-store';
import type { AuthState } from '../../src/lib/server/auth/types';
import { requestTerminalTicket } from '../../src/lib/server/terminal/request-ticket';
import { parseServerMessage, TERMINAL_PATH, type ExitMessage } from '../../src/lib/terminal/protocol';
import { waitFor } from './poll';
import type { TestUser } from './orgs';

export type BrowserLogin = { auth: AuthState; cookie: string };

export async function browserLogin(app: AppContext, user: TestUser): Promise<BrowserLogin> {
	const now = app.clock.now();
	const { session, token } = await createBrowserSession(app, app.db, user.id, 'password', { ipAddress: '192.0.2.10', userAgent: 'vitest' }, now);
	return { auth: { user: { ...user, isPlatformAdmin: false, createdAt: now }, session, via: 'cookie' }, cookie: `ocore_session=${token}` };
}

export async function ticketFor(app: AppContext, login: BrowserLogin, slug: string): Promise<string> {
	return (await requestTerminalTicket(app, login.auth, slug)).ticket;
}

export type Refusal = { status: number; body: { error: string; message: string } };

export type TerminalClient = {
	ws: WebSocket;
	/** Everything the server sent as terminal bytes, decoded. */
	readonly screen: string;
	readonly exit: ExitMessage | null;
	readonly closeCode: number | null;
	type(text: string): void;
	resize(cols: number, rows: number): void;
	waitForScreen(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
	waitForClose(timeoutMs?: number): Promise<{ exit: ExitMessage | null; code: number }>;
};

/** Opens the terminal, or returns the refusal the door answered before upgrading. */
export function openTerminal(
	baseUrl: string,
	options: { ticket: string | null; cookie?: string; origin: string; cols?: number; rows?: number; autoPong?: boolean }
): Promise<TerminalClient | Refusal> {
	const url = new URL(TERMINAL_PATH, baseUrl.replace(/^http/, 'ws'));
	if (options.ticket !== null) url.searchParams.set('ticket', options.ticket);
	url.searchParams.set('cols', String(options.cols ?? 80));
	url.searchParams.set('rows', String(options.rows ?? 24));
	const ws = new WebSocket(url, { origin: options.origin, headers: options.cookie ? { cookie: options.cookie } : {}, autoPong: options.autoPong ?? true });
	let screen = '';
	let exit: ExitMessage | null = null;
	let closeCode: number | null = null;
	const decoder = new TextDecoder();
	ws.on('message', (data: Buffer, isBinary) => {
		if (isBinary) screen += decoder.decode(data, { stream: true });
		else exit = parseServerMessage(data.toString()) ?? exit;
	});
	const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve((closeCode = code))));
	const client: TerminalClient = {
		ws,
		get screen() {
			return screen;
		},
		get exit() {
			return exit;
		},
		get closeCode() {
			return closeCode;
		},
		type: (text) => ws.send(Buffer.from(text), { binary: true }),
		resize: (cols, rows) => ws.send(JSON.stringify({ type: 'resize', cols, rows })),
		waitForScreen: (pattern, timeoutMs = 15_000) =>
			waitFor(async () => (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)), timeoutMs, 50).then(
				() => undefined,
				() => {
					throw new Error(`the screen never showed ${String(pattern)}; it shows: ${JSON.stringify(screen.slice(-400))} (closed: ${closeCode}, exit: ${JSON.stringify(exit)})`);
				}
			),
		waitForClose: async (timeoutMs = 15_000) => {
			const code = await Promise.race([closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`terminal still open; screen: ${screen.slice(-300)}`)), timeoutMs))]);
			return { exit, code };
		}
	};
	return new Promise((resolve, reject) => {
		ws.once('open', () => resolve(client));
		ws.once('unexpected-response', (_req, res) => {
			let body = '';
			res.on('data', (chunk: Buffer) => (body += chunk.toString()));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as Refusal['body'] }));
		});
		ws.once('error', (err) => reject(err));
	});
}

export function isRefusal(result: TerminalClient | Refusal): result is Refusal {
	return 'status' in result;
}
