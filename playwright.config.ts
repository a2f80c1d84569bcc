/**
 * End-to-end tests against the built server (src/server.ts over build/): `npm run build` first.
 * Debian's Chromium is used (no browser download); the flags keep it off the network, which this
 * machine's closed network would otherwise refuse many times at every start.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 4173);
const BASE_URL = `http://127.0.0.1:${PORT}`;

// Playwright loads this file in the runner and again in each worker; workers inherit the runner's
// environment, so the data folder is made once and the server and tests agree on it.
process.env.OCORE_E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), 'ocore-e2e-'));
// The fake GitHub of tests/e2e/fake-github.setup.ts: the tests write `<user>.keys` files to this folder.
// Its port is fixed because the web server, started before any globalSetup, must be given its URL.
process.env.OCORE_E2E_GITHUB_DIR ??= mkdtempSync(path.join(tmpdir(), 'ocore-e2e-github-'));
process.env.OCORE_E2E_GITHUB_URL ??= `http://127.0.0.1:${PORT + 1}`;
// The server's signing secret, shared with the tests that must sign what the server would have (an expired terminal ticket).
process.env.OCORE_E2E_JWT_SECRET ??= 'e2e-jwt-secret-not-for-production-0123456789';

export default defineConfig({
	testDir: 'tests/e2e',
	globalSetup: './tests/e2e/fake-github.setup.ts',
	fullyParallel: false,
	workers: 1, // a 2-core machine: one browser beside the server and its Argon2id hashing
	retries: 0,
	forbidOnly: !!process.env.CI,
	timeout: 30_000,
	expect: { timeout: 5_000 },
	reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
	use: {
		baseURL: BASE_URL,
		headless: true,
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: '/usr/bin/chromium',
			args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--no-first-run', '--disable-sync']
		}
	},
	webServer: {
		command: 'node_modules/.bin/tsx src/server.ts',
		url: `${BASE_URL}/api/health`,
		reuseExistingServer: false,
		timeout: 60_000,
		stdout: 'ignore',
		stderr: 'pipe',
		env: {
			NODE_ENV: 'test',
			HOST: '127.0.0.1',
			PORT: String(PORT),
			APP_URL: BASE_URL,
			DATA_DIR: process.env.OCORE_E2E_DATA_DIR,
			JWT_SECRET: process.env.OCORE_E2E_JWT_SECRET,
			ADMIN_EMAILS: 'admin@e2e.test',
			// Every browser context reaches the server from 127.0.0.1, so the production limit of 5
			// sign-ins/sign-ups per minute per IP would trip within one run; the limit itself is
			// covered by the integration tests.
			AUTH_RATE_LIMIT_PER_MINUTE: '1000',
			// No SMTP: reset mail lands in the outbox that the admin reads on /admin/outbox.
			SMTP_URL: '',
			// GitHub key import goes to the fake GitHub on loopback, which the fetcher allows only by name.
			GITHUB_KEYS_BASE_URL: process.env.OCORE_E2E_GITHUB_URL,
			FETCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
			// The SSH gateway on a free port: never collide with a gateway already on 2222.
			SSH_PORT: '0',
			// Terminal sessions leave an asciicast file, so the Sessions flow can play and download one.
			SESSION_RECORDING: 'full',
			...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {})
		}
	}
});
