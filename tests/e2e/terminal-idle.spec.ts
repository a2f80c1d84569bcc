/**
 * The browser terminal's idle timeout (issue 10): a terminal nobody types in closes with the gateway's
 * idle-timeout sentence on the status line. It needs a server with a short SSH_IDLE_TIMEOUT_SECONDS,
 * so this file starts one of its own (the built server, PGlite in its own data folder) on E2E_PORT + 2.
 */
import { expect, test } from '@playwright/test';
import { ensureTestImage, removeTestContainers, requireDocker } from '../helpers/docker';
import { startOcoreProcess, type OcoreProcess } from '../helpers/ocore-process';
import { ADMIN, signIn } from './helpers';
import { makeFixture, openTerminalPage, statusLine, type Fixture } from './terminal-helpers';

const IDLE_TIMEOUT_SECONDS = 2;
let idleServer: OcoreProcess | undefined;
let fixture: Fixture | undefined;

test.describe.configure({ mode: 'serial', timeout: 60_000 });

test.beforeAll(async () => {
	test.setTimeout(300_000);
	if (!(await requireDocker('the browser terminal idle-timeout flow'))) return;
	await ensureTestImage();
	idleServer = await startOcoreProcess(
		{ SSH_IDLE_TIMEOUT_SECONDS: String(IDLE_TIMEOUT_SECONDS), ADMIN_EMAILS: ADMIN.email, SESSION_RECORDING: 'metadata' },
		{ httpPort: Number(process.env.E2E_PORT ?? 4173) + 2, sshPort: 0, unsetEnv: ['DATABASE_URL'] }
	);
	fixture = await makeFixture(idleServer.baseUrl, ADMIN, 'idle');
});

test.afterAll(async () => {
	await idleServer?.stop();
	await removeTestContainers();
});

test.beforeEach(() => {
	test.skip(!fixture, 'needs a Docker engine for the terminal (see tests/helpers/docker.ts)');
});

test('an idle terminal closes with the idle-timeout message', async ({ browser }) => {
	const f = fixture!;
	const context = await browser.newContext({ baseURL: idleServer!.baseUrl });
	const page = await context.newPage();
	await signIn(page, f.member);
	await openTerminalPage(page, f.instanceSlug);
	await expect(statusLine(page)).toHaveText(`Closed: Idle timeout: closed after ${IDLE_TIMEOUT_SECONDS} seconds without activity`, { timeout: 15_000 });
	await expect(page.getByRole('button', { name: 'Reconnect' })).toBeVisible();
	await context.close();
});
