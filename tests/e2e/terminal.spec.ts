/**
 * The browser terminal (issue 10) against the built server, its WebSocket door and a real test
 * container: a member opens the terminal from the instance page, types and reads the output from
 * xterm's DOM screen, resizes the window and sees `stty size` follow, exits with a status, reconnects;
 * tickets are single-use, expire, and open nothing from another Origin or another browser; revoking
 * the browser session closes its terminal within seconds; the owner plays that session's recording
 * and downloads its .cast. The session limit, a stopped instance, an outsider and a signed-out visitor
 * each get a plain answer. (The idle timeout is terminal-idle.spec.ts, on a server of its own.)
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { ensureTestImage, removeTestContainers, requireDocker } from '../helpers/docker';
import { restClient } from './audit-fixture';
import { ADMIN, confirmAction, newAccount, signIn, signUpOrSignInAdmin } from './helpers';
import {
	closeSocket,
	cookieHeader,
	expiredCopyOf,
	isRefusal,
	makeFixture,
	openTerminalPage,
	type Fixture,
	type Opened,
	presentTicket,
	run,
	screen,
	statusLine,
	ticketFor
} from './terminal-helpers';

let fixture: Fixture | undefined;

test.describe.configure({ mode: 'serial', timeout: 60_000 });

test.beforeAll(async ({ baseURL }) => {
	test.setTimeout(300_000);
	if (!(await requireDocker('the browser terminal e2e flow'))) return;
	await ensureTestImage();
	fixture = await makeFixture(baseURL!, ADMIN, 'term');
});

test.afterAll(() => removeTestContainers());

test.beforeEach(() => {
	test.skip(!fixture, 'needs a Docker engine for the terminal (see tests/helpers/docker.ts)');
});

/** How many CSS rules of xterm.js the page holds. */
function xtermStyleRules(page: Page): Promise<number> {
	return page.evaluate(() =>
		[...document.styleSheets].reduce((n, sheet) => n + [...sheet.cssRules].filter((r) => r.cssText.includes('.xterm')).length, 0)
	);
}

test('Open terminal on the instance page opens a shell whose output is on the screen, to copy and paste', async ({ page, context, baseURL }, testInfo) => {
	const f = fixture!;
	await page.setViewportSize({ width: 1280, height: 800 });
	await signIn(page, f.member);
	await page.goto(`/orgs/${f.orgSlug}/instances/${f.instanceSlug}`);
	// xterm and its stylesheet load with the terminal page only.
	expect(await xtermStyleRules(page)).toBe(0);
	await page.screenshot({ path: testInfo.outputPath('instance-1280.png'), fullPage: true });
	await page.getByRole('link', { name: 'Open terminal' }).click();
	await expect(page).toHaveURL(new RegExp(`/instances/${f.instanceSlug}/terminal$`));
	await expect(statusLine(page)).toHaveText('Connected', { timeout: 20_000 });
	expect(await xtermStyleRules(page)).toBeGreaterThan(0);
	await expect(page.getByRole('link', { name: `← ${f.instanceName}` })).toHaveAttribute('href', `/orgs/${f.orgSlug}/instances/${f.instanceSlug}`);

	// The output (hello-42-…) differs from what was typed ($((6*7))), so finding it proves the shell ran it.
	const marker = randomBytes(4).toString('hex');
	await run(page, `echo "hello-$((6*7))-${marker}"`);
	await expect(screen(page)).toContainText(`hello-42-${marker}`);
	// Copy and paste: a double-click selects the output, Ctrl+Shift+C copies it, Ctrl+V pastes it into a new command line.
	await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
	const outputRow = screen(page).locator(':scope > div').filter({ hasText: new RegExp(`^\\s*hello-42-${marker}\\s*$`) });
	const box = (await outputRow.boundingBox())!;
	await page.mouse.dblclick(box.x + 20, box.y + box.height / 2);
	await page.keyboard.press('Control+Shift+C');
	await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`hello-42-${marker}`);
	await page.locator('.xterm-helper-textarea').focus();
	await page.keyboard.type('echo "$((1+1))-');
	await page.keyboard.press('Control+V');
	await run(page, '"');
	await expect(screen(page)).toContainText(`2-hello-42-${marker}`);
	// Nothing about the terminal is kept in the browser (SvelteKit keeps its scroll positions in sessionStorage).
	const stored = await page.evaluate(() => ({ local: localStorage.length, session: JSON.stringify({ ...sessionStorage }) }));
	expect(stored.local).toBe(0);
	expect(stored.session).not.toMatch(/v1\.[0-9a-f-]{36}\.|ticket/i);
	await page.screenshot({ path: testInfo.outputPath('terminal-1280.png') });

	await page.setViewportSize({ width: 390, height: 800 });
	await expect(async () => expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)).toPass();
	await page.screenshot({ path: testInfo.outputPath('terminal-390.png') });
	const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});

/** The last `size-<rows>x<cols>` the shell printed. */
async function printedSize(page: Page): Promise<{ rows: number; cols: number } | null> {
	const matches = [...(await screen(page).innerText()).matchAll(/size-(\d+)x(\d+)/g)];
	const last = matches.at(-1);
	return last ? { rows: Number(last[1]), cols: Number(last[2]) } : null;
}

test('the terminal fits the window and the pty follows a resize (stty size)', async ({ page }) => {
	const f = fixture!;
	await page.setViewportSize({ width: 1280, height: 800 });
	await signIn(page, f.member);
	await openTerminalPage(page, f.instanceSlug);
	const sizeCommand = `clear; echo "size-$(stty size | tr ' ' x)"`;
	const rowsOnScreen = () => page.locator('.xterm-rows > div').count();

	let before = { rows: 0, cols: 0 };
	await expect(async () => {
		await run(page, sizeCommand);
		await expect.poll(() => printedSize(page), { timeout: 3_000 }).not.toBeNull();
		const size = (await printedSize(page))!;
		expect(size.rows).toBe(await rowsOnScreen());
		before = size;
	}).toPass({ timeout: 15_000 });
	// The screen is fitted to a wide window: far more than the 80 columns of a default pty.
	expect(before.cols).toBeGreaterThan(100);

	await page.setViewportSize({ width: 640, height: 480 });
	await expect.poll(rowsOnScreen).toBeLessThan(before.rows);
	await expect(async () => {
		await run(page, sizeCommand);
		await expect.poll(() => printedSize(page), { timeout: 3_000 }).not.toBeNull();
		const size = (await printedSize(page))!;
		expect(size.rows).toBe(await rowsOnScreen());
		expect(size.cols).toBeLessThan(before.cols);
	}).toPass({ timeout: 15_000 });
});

test('exit 3 shows "Exited with status 3", and Reconnect opens a fresh shell', async ({ page }, testInfo) => {
	const f = fixture!;
	await page.setViewportSize({ width: 390, height: 700 });
	await signIn(page, f.member);
	await openTerminalPage(page, f.instanceSlug);
	await run(page, 'exit 3');
	await expect(statusLine(page)).toHaveText('Exited with status 3', { timeout: 10_000 });
	// The keyboard user was typing in the terminal (where Tab is the shell's): they land on Reconnect.
	await expect(page.getByRole('button', { name: 'Reconnect' })).toBeFocused();
	await page.screenshot({ path: testInfo.outputPath('terminal-exited-390.png') });

	await page.getByRole('button', { name: 'Reconnect' }).click();
	await expect(statusLine(page)).toHaveText('Connected', { timeout: 20_000 });
	await expect(page.getByRole('button', { name: 'Reconnect' })).toHaveCount(0);
	const marker = randomBytes(4).toString('hex');
	await run(page, `echo "again-$((1+1))-${marker}"`);
	await expect(screen(page)).toContainText(`again-2-${marker}`);
});

test('a ticket opens one terminal, once, from our Origin and our browser only, and not after it expires', async ({ page, context, baseURL }) => {
	const f = fixture!;
	await signIn(page, f.member);
	const cookie = await cookieHeader(context, baseURL!);
	const origin = new URL(baseURL!).origin;

	const first = await ticketFor(page, baseURL!, f.instanceSlug);
	expect(first.path).toBe('/ws/terminal');
	const lifetimeSeconds = (Date.parse(first.expiresAt) - Date.now()) / 1000;
	expect(lifetimeSeconds).toBeGreaterThan(20);
	expect(lifetimeSeconds).toBeLessThanOrEqual(31);

	// Another site's page riding the user's cookie is refused before the ticket is even looked at.
	const foreign = await presentTicket(baseURL!, { path: first.path, ticket: first.ticket, origin: 'http://evil.example', cookie });
	expect(isRefusal(foreign) && foreign.status).toBe(403);
	expect(isRefusal(foreign) && foreign.body.error).toBe('forbidden_origin');

	// A ticket carried to another browser (no session cookie) opens nothing.
	const stolen = await presentTicket(baseURL!, { path: first.path, ticket: first.ticket, origin });
	expect(isRefusal(stolen) && stolen.status).toBe(401);

	// The first use with the right Origin and cookie opens the shell...
	const opened = await presentTicket(baseURL!, { path: first.path, ticket: first.ticket, origin, cookie });
	if (isRefusal(opened)) throw new Error(`refused: ${JSON.stringify(opened.body)}`);
	opened.socket.send(Buffer.from('echo "once-$((2+3))"\n'));
	await expect.poll(() => opened.output()).toContain('once-5');
	await closeSocket(opened);

	// ...and the same ticket again is refused.
	const replay = await presentTicket(baseURL!, { path: first.path, ticket: first.ticket, origin, cookie });
	expect(isRefusal(replay) && replay.status).toBe(401);
	expect(isRefusal(replay) && replay.body).toMatchObject({ error: 'ticket_used', message: expect.stringMatching(/already used/) });

	// A fresh ticket signed with an expiry a second ago is refused as expired; the ticket itself still opens.
	const second = await ticketFor(page, baseURL!, f.instanceSlug);
	const expired = await presentTicket(baseURL!, { path: second.path, ticket: expiredCopyOf(second.ticket, process.env.OCORE_E2E_JWT_SECRET!), origin, cookie });
	expect(isRefusal(expired) && expired.status).toBe(401);
	expect(isRefusal(expired) && expired.body).toMatchObject({ error: 'ticket_expired', message: expect.stringMatching(/expired/) });
	const control = await presentTicket(baseURL!, { path: second.path, ticket: second.ticket, origin, cookie });
	if (isRefusal(control)) throw new Error(`refused: ${JSON.stringify(control.body)}`);
	await closeSocket(control);
});

test('at the per-user session limit the page says so, and Reconnect opens once a session is closed', async ({ page, context, baseURL }) => {
	const f = fixture!;
	await signIn(page, f.member);
	const cookie = await cookieHeader(context, baseURL!);
	const origin = new URL(baseURL!).origin;
	// Terminals opened elsewhere (as another tab would), up to SSH_MAX_SESSIONS_PER_USER: the endpoint then refuses.
	const others: Opened[] = [];
	try {
		for (;;) {
			const response = await page.request.post(`/api/instances/${f.instanceSlug}/terminal-ticket`, { headers: { origin } });
			if (response.status() !== 201) break;
			const { ticket, path } = await response.json();
			const opened = await presentTicket(baseURL!, { path, ticket, origin, cookie });
			if (isRefusal(opened)) throw new Error(`refused: ${JSON.stringify(opened.body)}`);
			others.push(opened);
			expect(others.length, 'the endpoint never refused').toBeLessThan(50);
		}
		expect(others.length).toBeGreaterThan(0);
		await page.goto(`/instances/${f.instanceSlug}/terminal`);
		await expect(statusLine(page)).toHaveText(/Session limit reached: at most \d+ concurrent sessions per user/, { timeout: 15_000 });
	} finally {
		await Promise.all(others.map(closeSocket));
	}
	await expect(async () => {
		await page.getByRole('button', { name: 'Reconnect' }).click();
		await expect(statusLine(page)).toHaveText('Connected', { timeout: 3_000 });
	}).toPass({ timeout: 15_000 });
});

let revokedMarker: string | undefined;

test('revoking the browser session from another device closes its terminal within seconds', async ({ page, browser }) => {
	const f = fixture!;
	await signIn(page, f.member);
	await openTerminalPage(page, f.instanceSlug);
	const marker = randomBytes(4).toString('hex');
	await run(page, `echo "recorded-$((6*7))-${marker}"`);
	await expect(screen(page)).toContainText(`recorded-42-${marker}`);
	revokedMarker = marker;

	const other = await (await browser.newContext()).newPage();
	await signIn(other, f.member);
	await other.goto('/settings/sessions');
	await confirmAction(other, 'Sign out all other sessions', 'Yes, sign them out');
	await expect(statusLine(page)).toHaveText(/Closed: Access revoked/, { timeout: 10_000 });
	await other.context().close();

	// Reconnecting with the revoked session asks the person to sign in, and offers the way back here.
	await page.getByRole('button', { name: 'Reconnect' }).click();
	await expect(statusLine(page)).toHaveText(/sign in/i);
	await page.getByRole('link', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(new RegExp(`/login\\?redirectTo=${encodeURIComponent(`/instances/${f.instanceSlug}/terminal`)}`));
});

test('the owner plays back the revoked session and its .cast holds the typed command’s output', async ({ page }) => {
	const f = fixture!;
	expect(revokedMarker, 'the revocation test ran first').toBeTruthy();
	await signUpOrSignInAdmin(page);
	await page.goto(`/orgs/${f.orgSlug}/sessions?instance=${f.instanceSlug}`);
	const row = page.getByTestId('session-row').filter({ has: page.getByTestId('session-ending').getByText('Access revoked', { exact: true }) });
	await expect(row).toHaveCount(1);
	await expect(row.getByTestId('session-transport')).toHaveText('web');
	await expect(row).toContainText(f.member.email);
	await row.getByTestId('session-play').click();
	const player = page.getByTestId('recording-player');
	await player.locator('.ap-player').click();
	await expect(player).toContainText(`recorded-42-${revokedMarker}`, { timeout: 15_000 });

	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('recording-download').click()]);
	const lines = readFileSync((await download.path())!, 'utf8').trimEnd().split('\n');
	const output = lines.slice(1).map((l) => JSON.parse(l) as [number, string, string]).filter((e) => e[1] === 'o').map((e) => e[2]).join('');
	expect(output).toContain(`recorded-42-${revokedMarker}`);
});

test('outsiders get 404, signed-out visitors the sign-in page, and a stopped instance says so', async ({ page, browser, baseURL }, testInfo) => {
	const f = fixture!;
	const visitor = await (await browser.newContext()).newPage();
	await visitor.goto(`/instances/${f.instanceSlug}/terminal`);
	await expect(visitor).toHaveURL(new RegExp(`/login\\?redirectTo=${encodeURIComponent(`/instances/${f.instanceSlug}/terminal`)}`));
	const outsider = newAccount('term-outsider');
	await restClient(baseURL!).person(outsider);
	await signIn(visitor, outsider);
	const refused = await visitor.goto(`/instances/${f.instanceSlug}/terminal`);
	expect(refused?.status()).toBe(404);
	await expect(visitor.getByText('Instance not found')).toBeVisible();
	await visitor.context().close();

	// Without JavaScript there is no terminal: the page says so and points to the ssh command.
	const noScript = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 700 } })).newPage();
	await signIn(noScript, f.member);
	await noScript.goto(`/instances/${f.instanceSlug}/terminal`);
	await expect(noScript.getByText('The terminal runs in JavaScript.')).toBeVisible();
	await expect(noScript.getByRole('link', { name: 'instance page' })).toHaveAttribute('href', `/orgs/${f.orgSlug}/instances/${f.instanceSlug}`);
	await noScript.screenshot({ path: testInfo.outputPath('terminal-without-javascript-390.png') });
	await noScript.context().close();

	await signIn(page, f.member);
	// The instance stops between the ticket and the socket: the door refuses the upgrade (a browser cannot
	// read why), so the page asks the ticket endpoint again and shows its plain answer.
	const ticketPath = `/api/instances/${f.instanceSlug}/terminal-ticket`;
	let ticketRequests = 0;
	await page.route(`**${ticketPath}`, async (route) => {
		const response = await route.fetch();
		if (++ticketRequests === 1) {
			const stop = await page.request.post(`/api/instances/${f.instanceSlug}/stop`, { headers: { authorization: `Bearer ${f.ownerToken}` } });
			expect(stop.status(), await stop.text()).toBe(200);
		}
		await route.fulfill({ response });
	});
	await page.goto(`/instances/${f.instanceSlug}/terminal`);
	await expect(statusLine(page)).toHaveText(`Instance ${f.instanceSlug} is stopped: start it to open a terminal`, { timeout: 15_000 });
	expect(ticketRequests).toBe(2);
	await expect(page.getByRole('button', { name: 'Reconnect' })).toBeVisible();
	await page.unroute(`**${ticketPath}`);

	await page.goto(`/orgs/${f.orgSlug}/instances/${f.instanceSlug}`);
	await expect(page.getByRole('link', { name: 'Open terminal' })).toHaveCount(0);
	await expect(page.getByText('A terminal in the browser opens once the instance is running.')).toBeVisible();
});
