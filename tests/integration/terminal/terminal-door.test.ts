/**
 * The browser terminal's WebSocket door against a real container: the door, the gateway core and the
 * ticket service over a real database, reached by a `ws` client the way the page reaches it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteSession } from '../../../src/lib/server/auth/session-store';
import { gatewaySessions } from '../../../src/lib/server/db/schema';
import { stopInstance } from '../../../src/lib/server/instances/service';
import { requestTerminalTicket } from '../../../src/lib/server/terminal/request-ticket';
import { silentGatewayLog } from '../../../ssh-gateway/core/log';
import { startGateway, type RunningGateway } from '../../../ssh-gateway/start';
import { createTestApp, type TestApp } from '../../helpers/app';
import { requireDocker } from '../../helpers/docker';
import { instanceFixture, type InstanceFixture } from '../../helpers/instances';
import { acting, auditRows, insertUser } from '../../helpers/orgs';
import { waitFor } from '../../helpers/poll';
import { browserLogin, isRefusal, openTerminal, ticketFor, type BrowserLogin, type TerminalClient } from '../../helpers/terminal';

const hasDocker = await requireDocker('browser terminal tests');
const HIGH_WATER_MARK_BYTES = 64 * 1024;

describe.skipIf(!hasDocker)('GET /ws/terminal', () => {
	let app: TestApp;
	let gateway: RunningGateway;
	let http: Server;
	let baseUrl: string;
	let fixture: InstanceFixture;
	let login: BrowserLogin;
	let origin: string;
	/** The offset the app's clock runs ahead of real time (to expire tickets without waiting). */
	let clockAheadMs = 0;
	const buffered: Array<{ bytes: number; chunk: number }> = [];

	beforeAll(async () => {
		app = await createTestApp(
			{ SESSION_RECORDING: 'full', SSH_MAX_SESSIONS_PER_USER: '10' },
			{ now: () => new Date(Date.now() + clockAheadMs) }
		);
		origin = app.config.appUrl.origin;
		gateway = await startGateway(app, {
			ssh: false,
			log: silentGatewayLog,
			terminalSocket: { highWaterMarkBytes: HIGH_WATER_MARK_BYTES, observeBuffered: (bytes, chunk) => buffered.push({ bytes, chunk }) }
		});
		http = createServer((_req, res) => res.writeHead(404).end());
		http.on('upgrade', (req, socket, head) => {
			if (!gateway.terminal.handleUpgrade(req, socket, head)) socket.destroy();
		});
		await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
		baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
		fixture = await instanceFixture(app);
		login = await browserLogin(app, fixture.owner);
	});

	afterAll(async () => {
		await gateway?.close();
		http?.close();
		await fixture?.container.remove();
		await app?.close();
	});

	async function open(extra: { cols?: number; rows?: number } = {}): Promise<TerminalClient> {
		const result = await openTerminal(baseUrl, { ticket: await ticketFor(app, login, fixture.instance.slug), cookie: login.cookie, origin, ...extra });
		if (isRefusal(result)) throw new Error(`refused: ${JSON.stringify(result)}`);
		return result;
	}

	it('runs a shell: what is typed comes back, and `exit 3` ends with status 3', async () => {
		const term = await open();
		const marker = `hello-${Math.random().toString(36).slice(2, 10)}`;
		term.type(`echo ${marker}\r`);
		await term.waitForScreen(new RegExp(`[\\r\\n]${marker}\\r\\n`));
		term.type('exit 3\r');
		const { exit, code } = await term.waitForClose();
		expect(exit).toMatchObject({ type: 'exit', status: 3, reason: 'closed' });
		expect(code).toBe(1000);
	});

	it('opens at the size asked for and follows resize messages', async () => {
		const term = await open({ cols: 91, rows: 37 });
		term.type('stty size\r');
		await term.waitForScreen('37 91');
		term.resize(120, 40);
		// The resize reaches Docker's API while keystrokes go straight to the shell: ask until it shows.
		await waitFor(async () => {
			term.type('stty size\r');
			await new Promise((r) => setTimeout(r, 200));
			return term.screen.includes('40 120');
		}, 10_000, 0);
		term.type('exit\r');
		expect((await term.waitForClose()).exit?.status).toBe(0);
	});

	it('writes the session with transport websocket, audit transport web, and a recording', async () => {
		const openedAt = app.clock.now();
		const term = await open();
		term.type('echo recorded-$((6*7))\r');
		await term.waitForScreen('recorded-42');
		term.type('exit\r');
		await term.waitForClose();
		const row = await waitFor(async () => {
			const rows = await app.db.select().from(gatewaySessions).where(eq(gatewaySessions.instanceId, fixture.instance.id));
			return rows.find((r) => r.endedAt && r.transport === 'websocket' && r.startedAt >= openedAt) ?? null;
		}, 10_000, 50);
		expect(row).toMatchObject({ kind: 'shell', exitStatus: 0, endReason: 'closed', keyFingerprint: null });
		const events = await auditRows(app, fixture.org.id);
		const started = events.find((e) => e.action === 'terminal.session_started' && (e.metadata as { sessionId?: string }).sessionId === row.id);
		expect(started?.metadata).toMatchObject({ transport: 'web', kind: 'shell', pty: true });
	});

	it('refuses a replayed ticket, a forged one, one of another browser session, a missing cookie and another Origin', async () => {
		const ticket = await ticketFor(app, login, fixture.instance.slug);
		const first = await openTerminal(baseUrl, { ticket, cookie: login.cookie, origin });
		expect(isRefusal(first)).toBe(false);
		(first as TerminalClient).ws.close();
		expect(await openTerminal(baseUrl, { ticket, cookie: login.cookie, origin })).toMatchObject({ status: 401, body: { error: 'ticket_used' } });

		const forged = ticket.slice(0, -4) + (ticket.endsWith('AAAA') ? 'BBBB' : 'AAAA');
		expect(await openTerminal(baseUrl, { ticket: forged, cookie: login.cookie, origin })).toMatchObject({ status: 401, body: { error: 'invalid_ticket' } });

		const otherBrowser = await browserLogin(app, fixture.owner);
		const stolen = await ticketFor(app, login, fixture.instance.slug);
		expect(await openTerminal(baseUrl, { ticket: stolen, cookie: otherBrowser.cookie, origin })).toMatchObject({ status: 401, body: { error: 'invalid_ticket' } });

		const fresh = await ticketFor(app, login, fixture.instance.slug);
		expect(await openTerminal(baseUrl, { ticket: fresh, origin })).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
		const evil = await openTerminal(baseUrl, { ticket: fresh, cookie: login.cookie, origin: 'https://evil.example' });
		expect(evil).toMatchObject({ status: 403, body: { error: 'forbidden_origin' } });
		// Refused before redemption: the same ticket still opens from the right origin.
		const good = await openTerminal(baseUrl, { ticket: fresh, cookie: login.cookie, origin });
		expect(isRefusal(good)).toBe(false);
		(good as TerminalClient).ws.close();
	});

	it('refuses a ticket older than 30 seconds', async () => {
		const ticket = await ticketFor(app, login, fixture.instance.slug);
		clockAheadMs = 31_000;
		try {
			expect(await openTerminal(baseUrl, { ticket, cookie: login.cookie, origin })).toMatchObject({ status: 401, body: { error: 'ticket_expired' } });
		} finally {
			clockAheadMs = 0;
		}
	});

	it('gives no ticket to someone outside the org: the instance is not found', async () => {
		const outsider = await browserLogin(app, await insertUser(app, 'outsider'));
		await expect(requestTerminalTicket(app, outsider.auth, fixture.instance.slug)).rejects.toMatchObject({ code: 'not_found', message: 'Instance not found' });
	});

	it('closes an open terminal within seconds when its browser session is signed out', async () => {
		const other = await browserLogin(app, fixture.owner);
		const result = await openTerminal(baseUrl, { ticket: await ticketFor(app, other, fixture.instance.slug), cookie: other.cookie, origin });
		if (isRefusal(result)) throw new Error('refused');
		result.type('echo ready\r');
		await result.waitForScreen('ready');
		await deleteSession(app.db, other.auth.session.id);
		const { exit } = await result.waitForClose(10_000);
		expect(exit).toMatchObject({ reason: 'revoked', message: 'Access revoked' });
	});

	it('does not buffer more than the high-water mark plus one chunk for a client that stops reading', async () => {
		const term = await open();
		term.type('stty -echo; yes ocore-backpressure-line | head -c 20000000; echo done-$((1+1))\r');
		await term.waitForScreen('ocore-backpressure-line');
		buffered.length = 0;
		term.ws.pause();
		// The server sends until the kernel's socket buffers and its high-water mark are full, and must
		// then stop: wait for a second in which nothing more was sent.
		let seen = -1;
		await waitFor(async () => {
			const stopped = buffered.length === seen && buffered.some((b) => b.bytes > HIGH_WATER_MARK_BYTES);
			seen = buffered.length;
			return stopped;
		}, 30_000, 1000);
		const largestChunk = Math.max(...buffered.map((b) => b.chunk));
		expect(Math.max(...buffered.map((b) => b.bytes))).toBeLessThanOrEqual(HIGH_WATER_MARK_BYTES + largestChunk);
		term.ws.resume();
		await term.waitForScreen('done-2', 60_000);
		term.type('exit\r');
		await term.waitForClose();
	});

	it('drops a browser that stops answering pings, and ends its session', async () => {
		// A second door of its own with pings every 300 ms (a paused reader elsewhere must not be dropped).
		const pinging = await startGateway(app, { ssh: false, log: silentGatewayLog, terminalSocket: { pingIntervalMs: 300 } });
		const server = createServer((_req, res) => res.writeHead(404).end());
		server.on('upgrade', (req, socket, head) => void pinging.terminal.handleUpgrade(req, socket, head));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			const result = await openTerminal(url, { ticket: await ticketFor(app, login, fixture.instance.slug), cookie: login.cookie, origin, autoPong: false });
			if (isRefusal(result)) throw new Error('refused');
			const { code } = await result.waitForClose(10_000);
			expect(code).not.toBe(1000);
			// The server forgets the socket, and the session leaves the live set once its end is written
			// (rows, audit): both a moment after the client saw the close.
			await waitFor(async () => pinging.terminal.openCount === 0 && pinging.core.liveSessionCount === 0, 10_000, 50);
		} finally {
			await pinging.close();
			server.close();
		}
	});

	it('answers 409 with a plain sentence for a stopped instance', async () => {
		const ticket = await ticketFor(app, login, fixture.instance.slug);
		await stopInstance(app, acting(fixture.owner), fixture.instance.slug);
		expect(await openTerminal(baseUrl, { ticket, cookie: login.cookie, origin })).toMatchObject({
			status: 409,
			body: { error: 'instance_stopped', message: `Instance ${fixture.instance.slug} is stopped` }
		});
		await expect(requestTerminalTicket(app, login.auth, fixture.instance.slug)).rejects.toMatchObject({ publicCode: 'instance_not_running' });
	});
});
