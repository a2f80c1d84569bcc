/**
 * Recordings in the dashboard (issue 10): a member types a command in a real SSH session (the stock
 * `ssh` client with a pty, into a real test container, SESSION_RECORDING=full); the org's Sessions
 * page lists it with its instance, transport and exit status; its page plays the recording with
 * asciinema-player, whose terminal shows the command's output as DOM text; the .cast downloads under
 * <instance>-<session>.cast and holds that output. An unknown session is a 404 page, and the pages fit
 * a phone and pass the accessibility scan. Screenshots are kept as test artifacts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { DOCKER_SOCKET_PATH, ensureTestImage, removeTestContainers, requireDocker, startTestContainer } from '../helpers/docker';
import { generateKey } from '../helpers/ssh-keys';
import { restClient } from './audit-fixture';
import { ADMIN, fillSignIn, newAccount, signUpOrSignInAdmin, type Account } from './helpers';

type Fixture = { orgSlug: string; orgId: string; instanceSlug: string; marker: string; developer: Account };
let fixture: Fixture | undefined;

test.describe.configure({ mode: 'serial', timeout: 90_000 });

/** A shell session with a pty, fed `input` as if typed; resolves with ssh's exit code. */
function typeInShell(port: number, keyFile: string, user: string, input: string): Promise<number | null> {
	const knownHosts = path.join(mkdtempSync(path.join(tmpdir(), 'ocore-e2e-sessions-')), 'known_hosts');
	const args = ['-tt', '-p', String(port), '-o', 'StrictHostKeyChecking=accept-new', '-o', `UserKnownHostsFile=${knownHosts}`];
	args.push('-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', '-i', keyFile, `${user}@127.0.0.1`);
	return new Promise((resolve, reject) => {
		const child = spawn('ssh', args, { stdio: ['pipe', 'ignore', 'ignore'] });
		const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve(code);
		});
		child.stdin.end(input);
	});
}

test.beforeAll(async ({ baseURL }) => {
	test.setTimeout(300_000);
	if (!(await requireDocker('the org sessions e2e flow'))) return;
	await ensureTestImage();
	const api = restClient(baseURL!);
	const stamp = Date.now().toString(36);
	const owner = await api.person(ADMIN);
	const orgSlug = `sessions-${stamp}`;
	const org = await api.ok('POST', '/api/orgs', owner.token, { name: `Sessions ${stamp}`, slug: orgSlug }, 201, 'create org');
	const server = await api.ok('POST', '/api/servers', owner.token, { orgId: org.id, name: `local-${stamp}`, kind: 'socket', endpoint: DOCKER_SOCKET_PATH }, 201, 'server');
	const container = await startTestContainer(`sessions-${stamp}`, { org: org.id });
	const instanceSlug = `web-${stamp}`;
	await api.ok('POST', '/api/instances', owner.token, { orgId: org.id, slug: instanceSlug, name: 'Web shop', serverId: server.id, container: container.name }, 201, 'instance');
	const key = generateKey('ed25519', undefined, owner.email);
	await api.ok('POST', '/api/user/ssh-keys', owner.token, { name: `laptop-${stamp}`, publicKey: key.line }, 201, 'key');
	const { port } = await api.ok('GET', '/api/ssh/client-config', undefined, undefined, 200, 'ssh config');
	// The output (hello-42-…) differs from what was typed ($((6*7))), so finding it proves the output was recorded.
	const marker = randomBytes(4).toString('hex');
	const code = await typeInShell(port, key.privateFile, instanceSlug, `echo "hello-$((6*7))-${marker}"\nexit 5\n`);
	if (code !== 5) throw new Error(`ssh exited ${code}`);
	// A member who may use instances but not read the audit trail.
	const developer = newAccount('sessions-dev');
	const dev = await api.person(developer);
	const invitation = await api.ok('POST', `/api/orgs/${org.id}/members`, owner.token, { email: dev.email, role: 'Developer' }, 201, 'invite');
	await api.ok('POST', `/api/user/invitations/${invitation.invitation.id}/accept`, dev.token, undefined, 200, 'accept');
	fixture = { orgSlug, orgId: org.id, instanceSlug, marker, developer };
});

test.afterAll(() => removeTestContainers());

test.beforeEach(() => {
	test.skip(!fixture, 'needs a Docker engine for the SSH session (see tests/helpers/docker.ts)');
});

/** How many CSS rules of asciinema-player the page holds. */
function playerStyleRules(page: Page): Promise<number> {
	return page.evaluate(() =>
		[...document.styleSheets].reduce((n, sheet) => n + [...sheet.cssRules].filter((r) => r.cssText.includes('.ap-player')).length, 0)
	);
}

async function pageProblems(page: Page): Promise<string[]> {
	const problems: string[] = [];
	for (const width of [390, 360]) {
		await page.setViewportSize({ width, height: 900 });
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		if (overflow > 0) problems.push(`${page.url()} is ${overflow} px too wide at ${width} px`);
	}
	const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	for (const v of axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) problems.push(`${v.id}: ${v.help}`);
	return problems;
}

test('the session is listed, plays back in the page, and downloads as a .cast holding its output', async ({ page }, testInfo) => {
	const f = fixture!;
	await page.setViewportSize({ width: 1280, height: 900 });
	await signUpOrSignInAdmin(page);
	await page.goto(`/orgs/${f.orgSlug}`);
	await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Sessions' }).click();
	await expect(page).toHaveURL(new RegExp(`/orgs/${f.orgSlug}/sessions$`));

	// The session ends a moment after ssh exits: reload until its row says how it ended.
	const row = page.getByTestId('session-row').filter({ hasText: f.instanceSlug });
	await expect(async () => {
		await page.reload();
		await expect(row.getByTestId('session-ending')).toHaveText('Exit 5', { timeout: 1_000 });
	}).toPass({ timeout: 15_000 });
	await expect(row).toHaveCount(1);
	await expect(row).toContainText(ADMIN.email);
	await expect(row.getByTestId('session-transport')).toHaveText('ssh');
	await page.screenshot({ path: testInfo.outputPath('sessions-1280.png'), fullPage: true });

	// The instance filter, as an instance page links to it: this instance's sessions only.
	await page.goto(`/orgs/${f.orgSlug}/sessions?instance=${f.instanceSlug}`);
	await expect(page.getByTestId('session-row')).toHaveCount(1);
	await page.goto(`/orgs/${f.orgSlug}/sessions?instance=nothing-here`);
	await expect(page.getByTestId('session-row')).toHaveCount(0);
	await expect(page.getByText('No sessions on nothing-here')).toBeVisible();
	const list = await page.goto(`/orgs/${f.orgSlug}/sessions`);
	// Only the recording page may compile WebAssembly (the player's terminal); the list may not.
	expect(list!.headers()['content-security-policy']).not.toContain('wasm-unsafe-eval');

	// The player (and its stylesheet) is loaded by the recording page only.
	expect(await playerStyleRules(page)).toBe(0);
	const playerPage = page.waitForResponse((r) => /\/sessions\/[0-9a-f-]{36}$/.test(new URL(r.url()).pathname) && r.request().resourceType() === 'document');
	await row.getByTestId('session-play').click();
	expect((await playerPage).headers()['content-security-policy']).toMatch(/script-src [^;]*'wasm-unsafe-eval'/);
	await expect(page.getByRole('heading', { name: `Session on ${f.instanceSlug}` })).toBeVisible();
	const player = page.getByTestId('recording-player');
	// Nothing played yet: the output is not on the player's screen until Play.
	await expect(player.locator('.ap-player')).toBeVisible();
	await expect(player).not.toContainText(`hello-42-${f.marker}`);
	await player.locator('.ap-player').click();
	await expect(player).toContainText(`hello-42-${f.marker}`, { timeout: 15_000 });
	expect(await playerStyleRules(page)).toBeGreaterThan(0);
	await page.screenshot({ path: testInfo.outputPath('session-1280.png'), fullPage: true });

	const sessionId = page.url().split('/').at(-1)!;
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('recording-download').click()]);
	expect(download.suggestedFilename()).toBe(`${f.instanceSlug}-${sessionId}.cast`);
	const lines = readFileSync((await download.path())!, 'utf8').trimEnd().split('\n');
	expect(JSON.parse(lines[0]!)).toMatchObject({ version: 2 });
	const output = lines.slice(1).map((l) => JSON.parse(l) as [number, string, string]).filter((e) => e[1] === 'o').map((e) => e[2]).join('');
	expect(output).toContain(`hello-42-${f.marker}`);

	expect(await pageProblems(page)).toEqual([]);
	await page.setViewportSize({ width: 390, height: 900 });
	await page.screenshot({ path: testInfo.outputPath('session-390.png'), fullPage: true });
	await page.goto(`/orgs/${f.orgSlug}/sessions`);
	expect(await pageProblems(page)).toEqual([]);
	await page.setViewportSize({ width: 390, height: 900 });
	await page.screenshot({ path: testInfo.outputPath('sessions-390.png'), fullPage: true });
});

test('an unknown session is a 404 page, not an error', async ({ page }) => {
	const f = fixture!;
	await signUpOrSignInAdmin(page);
	const res = await page.goto(`/orgs/${f.orgSlug}/sessions/${randomUUID()}`);
	expect(res?.status()).toBe(404);
	await expect(page.getByText('Session not found')).toBeVisible();
});

test('a member without view:audit_logs sees no Sessions and is refused the pages and the download', async ({ page }) => {
	const f = fixture!;
	await fillSignIn(page, f.developer);
	await expect(page).toHaveURL(/\/dashboard$/, { timeout: 15_000 });
	await page.goto(`/orgs/${f.orgSlug}`);
	const nav = page.getByRole('navigation', { name: 'Organization' });
	await expect(nav.getByRole('link', { name: 'Instances' })).toBeVisible();
	await expect(nav.getByRole('link', { name: 'Sessions' })).toHaveCount(0);
	const refused = await page.goto(`/orgs/${f.orgSlug}/sessions`);
	expect(refused?.status()).toBe(403);
	await expect(page.getByText('Permission denied: view:audit_logs')).toBeVisible();
	const download = await page.request.get(`/api/orgs/${f.orgId}/sessions/${randomUUID()}/recording`);
	expect(download.status()).toBe(403);
	expect(await download.json()).toEqual({ error: 'forbidden', message: 'Permission denied: view:audit_logs' });
});
