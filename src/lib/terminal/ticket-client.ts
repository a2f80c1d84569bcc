/**
 * The terminal page's side of opening a terminal: ask for a one-time ticket (a cookie-authenticated
 * POST from our own origin, so the hooks' cross-origin refusal lets it through) and build the
 * WebSocket address that spends it. The ticket lives in memory only, for the few milliseconds between
 * the two; nothing is kept in localStorage or the page URL.
 */
import type { TerminalTicket } from './protocol';
import { TERMINAL_PATH } from './protocol';
import { COULD_NOT_CONNECT, refusalText } from './status';

export type TicketAnswer = { ok: true; ticket: TerminalTicket } | { ok: false; status: number | null; message: string };

export function ticketEndpoint(slug: string): string {
	return `/api/instances/${encodeURIComponent(slug)}/terminal-ticket`;
}

export async function requestTicket(slug: string, fetchImpl: typeof fetch = fetch): Promise<TicketAnswer> {
	let response: Response;
	try {
		response = await fetchImpl(ticketEndpoint(slug), { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' } });
	} catch {
		return { ok: false, status: null, message: `${COULD_NOT_CONNECT}: the server did not answer.` };
	}
	const body: unknown = await response.json().catch(() => null);
	if (response.ok && isTicket(body)) return { ok: true, ticket: body };
	return { ok: false, status: response.status, message: refusalText(response.status, body) };
}

function isTicket(body: unknown): body is TerminalTicket {
	return typeof body === 'object' && body !== null && typeof (body as TerminalTicket).ticket === 'string';
}

/** ws(s)://<this host><path>?ticket=…&cols=…&rows=…, on the page's own origin (the server checks Origin). */
export function socketUrl(ticket: TerminalTicket, size: { cols: number; rows: number }, pageUrl: string): string {
	const url = new URL(ticket.path || TERMINAL_PATH, pageUrl);
	url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	url.searchParams.set('ticket', ticket.ticket);
	url.searchParams.set('cols', String(size.cols));
	url.searchParams.set('rows', String(size.rows));
	return url.toString();
}
