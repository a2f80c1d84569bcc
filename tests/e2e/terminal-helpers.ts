/**
 * What the browser-terminal flows share: an org with an instance on a fresh test container and a
 * Developer member, the page's screen and status line, typing into xterm, and a
 * `ws` client that presents a ticket the way a browser would (same cookie, chosen Origin) and returns
 * either the open socket or the HTTP refusal the door answered before upgrading.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { DOCKER_SOCKET_PATH, startTestContainer } from '../helpers/docker';
import { restClient } from './audit-fixture';
import { newAccount, type Account } from './helpers';

export type Fixture = { orgSlug: string; instanceSlug: string; instanceName: string; member: Account; ownerToken: string };

/** An org with a local-socket server, an instance on a fresh test container, and a Developer member. */
export async function makeFixture(baseUrl: string, owner: Account, prefix: string): Promise<Fixture> {
	const api = restClient(baseUrl);
	const stamp = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
	const ownerLogin = await api.person(owner);
	const orgSlug = `${prefix}-${stamp}`;
	const org = await api.ok('POST', '/api/orgs', ownerLogin.token, { name: `Terminal ${stamp}`, slug: orgSlug }, 201, 'create org');
	const server = await api.ok('POST', '/api/servers', ownerLogin.token, { orgId: org.id, name: `local-${stamp}`, kind: 'socket', endpoint: DOCKER_SOCKET_PATH }, 201, 'server');
	const container = await startTestContainer(`${prefix}-${stamp}`, { org: org.id });
	const instanceSlug = `${prefix}-shop-${stamp}`;
	const instanceName = 'Terminal shop';
	await api.ok('POST', '/api/instances', ownerLogin.token, { orgId: org.id, slug: instanceSlug, name: instanceName, serverId: server.id, container: container.name }, 201, 'instance');
	const member = newAccount(`${prefix}-dev`);
	const memberLogin = await api.person(member);
	const invitation = await api.ok('POST', `/api/orgs/${org.id}/members`, ownerLogin.token, { email: member.email, role: 'Developer' }, 201, 'invite');
	await api.ok('POST', `/api/user/invitations/${invitation.invitation.id}/accept`, memberLogin.token, undefined, 200, 'accept');
	return { orgSlug, instanceSlug, instanceName, member, ownerToken: ownerLogin.token };
}


export const screen = (page: Page): Locator => page.locator('.xterm-rows');
export const statusLine = (page: Page): Locator => page.getByTestId('terminal-status');

/** Opens the terminal page and waits until the socket is open and the shell has printed its prompt. */
export async function openTerminalPage(page: Page, slug: string): Promise<void> {
	await page.goto(`/instances/${slug}/terminal`);
	await expect(statusLine(page)).toHaveText('Connected', { timeout: 20_000 });
	await expect(screen(page)).toContainText(/[$#]/, { timeout: 10_000 });
}

/** Types a command line into the terminal, as a person would. */
export async function run(page: Page, command: string): Promise<void> {
	await page.locator('.xterm-helper-textarea').focus();
	await page.keyboard.type(command);
	await page.keyboard.press('Enter');
}

/** The Cookie header the context's browser sends to `baseUrl`. */
export async function cookieHeader(context: BrowserContext, baseUrl: string): Promise<string> {
	return (await context.cookies(baseUrl)).map((c) => `${c.name}=${c.value}`).join('; ');
}

export type TicketAnswer = { ticket: string; expiresAt: string; path: string };

/** A ticket from the REST endpoint, with the page's session cookie, as the terminal page asks for one. */
export async function ticketFor(page: Page, baseUrl: string, slug: string): Promise<TicketAnswer> {
	const response = await page.request.post(`/api/instances/${slug}/terminal-ticket`, { headers: { origin: baseUrl } });
	expect(response.status(), await response.text()).toBe(201);
	return response.json();
}

export type Refusal = { status: number; body: { error: string; message: string } };
export type Opened = { socket: WebSocket; output(): string };

/** Presents `ticket` on the door; resolves with the open socket or with the door's refusal. */
export function presentTicket(baseUrl: string, options: { path: string; ticket: string; origin: string; cookie?: string }): Promise<Opened | Refusal> {
	const url = new URL(options.path, baseUrl.replace(/^http/, 'ws'));
	url.searchParams.set('ticket', options.ticket);
	url.searchParams.set('cols', '80');
	url.searchParams.set('rows', '24');
	const socket = new WebSocket(url, { origin: options.origin, headers: options.cookie ? { cookie: options.cookie } : {} });
	let output = '';
	socket.on('message', (data: Buffer, isBinary) => {
		if (isBinary) output += data.toString('utf8');
	});
	return new Promise((resolve, reject) => {
		socket.once('open', () => resolve({ socket, output: () => output }));
		socket.once('unexpected-response', (_req, res) => {
			let text = '';
			res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
			res.on('end', () => {
				resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
				socket.terminate();
			});
		});
		socket.on('error', reject);
	});
}

export function isRefusal(answer: Opened | Refusal): answer is Refusal {
	return 'status' in answer;
}

/** Closes an opened socket and waits for the close. */
export async function closeSocket(opened: Opened): Promise<void> {
	const closed = new Promise((resolve) => opened.socket.once('close', resolve));
	opened.socket.close(1000);
	await closed;
}

/**
 * The same ticket as the server would have signed it with an expiry `secondsAgo` in the past: the
 * format and MAC key of src/lib/server/terminal/tickets.ts (`v1.<id>.<expires>.<nonce>.<mac>`, HMAC-SHA256
 * under a key derived from JWT_SECRET), written out here from its policy rather than imported, so a
 * change of format shows up as a failing test. The server checks expiry before it asks the database,
 * so this is what a ticket issued more than 30 seconds ago looks like to it, without waiting 30 seconds.
 */
export function expiredCopyOf(ticket: string, jwtSecret: string, secondsAgo = 1): string {
	const [version, id, , nonce] = ticket.split('.');
	const body = [version, id, Math.floor(Date.now() / 1000) - secondsAgo, nonce].join('.');
	const key = createHmac('sha256', jwtSecret).update('ocore terminal tickets v1').digest();
	return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}
