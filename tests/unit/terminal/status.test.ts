/**
 * What the terminal page's status line says: the shell's exit status, the server's own sentence for
 * idle timeout and revocation, a plain fall-back when the server sends none, and the WebSocket address
 * that spends a ticket on the page's own origin.
 */
import { describe, expect, it } from 'vitest';
import { closeText, COULD_NOT_CONNECT, exitText, refusalText } from '../../../src/lib/terminal/status';
import { socketUrl, ticketEndpoint } from '../../../src/lib/terminal/ticket-client';

describe('exitText', () => {
	it('says the exit status of a shell that exited, even 0', () => {
		expect(exitText({ type: 'exit', status: 3, reason: 'closed' })).toBe('Exited with status 3');
		expect(exitText({ type: 'exit', status: 0, reason: 'closed' })).toBe('Exited with status 0');
		expect(exitText({ type: 'exit', status: null, signal: 'KILL', reason: 'closed' })).toBe('Exited on signal KILL');
	});

	it("prefers the server's sentence, and falls back to a plain one", () => {
		const idle = 'Closed after 15 minutes without input.';
		expect(exitText({ type: 'exit', status: null, reason: 'idle_timeout', message: idle })).toBe(`Closed: ${idle}`);
		expect(exitText({ type: 'exit', status: null, reason: 'idle_timeout' })).toBe('Closed: The terminal was idle for too long.');
		expect(exitText({ type: 'exit', status: null, reason: 'revoked' })).toBe('Closed: Your access to this instance was revoked.');
		expect(exitText({ type: 'exit', status: null, reason: 'error' })).toBe("Closed: The instance's Docker engine could not be reached.");
	});
});

describe('closeText', () => {
	it('says the close reason when there is one, else that the connection was lost', () => {
		expect(closeText(4001, 'No answer to pings')).toBe('Closed: No answer to pings');
		expect(closeText(1006, '')).toMatch(/^Closed: Connection lost/);
		expect(closeText(1001, '')).toMatch(/restarting/);
		expect(closeText(1000, 'idle_timeout')).toBe('Closed: The terminal was idle for too long.');
	});
});

describe('refusalText', () => {
	it("shows the server's message, else one for the status, else Could not connect", () => {
		expect(refusalText(409, { error: 'conflict', message: 'The instance is not running' })).toBe('The instance is not running');
		expect(refusalText(429, null)).toMatch(/^Session limit reached/);
		expect(refusalText(403, { error: 'forbidden' })).toBe('You are not allowed to open a terminal on this instance.');
		expect(refusalText(500, '<html>')).toBe(COULD_NOT_CONNECT);
	});
});

describe('socketUrl', () => {
	const ticket = { ticket: 'abc.def', expiresAt: '2026-01-01T00:00:30Z', path: '/ws/terminal' };

	it('uses ws on http and wss on https, on the page origin, with the size', () => {
		expect(socketUrl(ticket, { cols: 80, rows: 24 }, 'http://127.0.0.1:3000/instances/x/terminal')).toBe(
			'ws://127.0.0.1:3000/ws/terminal?ticket=abc.def&cols=80&rows=24'
		);
		expect(socketUrl(ticket, { cols: 120, rows: 40 }, 'https://ocore.example/instances/x/terminal')).toBe(
			'wss://ocore.example/ws/terminal?ticket=abc.def&cols=120&rows=40'
		);
	});

	it('escapes the slug in the ticket endpoint', () => {
		expect(ticketEndpoint('shop-1')).toBe('/api/instances/shop-1/terminal-ticket');
	});
});
