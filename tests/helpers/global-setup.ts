/**
 * Starts the built server once for the HTTP-level integration tests (the real thing: src/server.ts
 * over build/, with its SSH gateway on a free port), with its own data folder and a local stand-in
 * for GitHub, and tears both down afterwards. `npm test` builds first; run `npm run build` before
 * `npx vitest` when iterating.
 */
import type { TestProject } from 'vitest/node';
import { startFakeGithub, type FakeGithub } from './fake-github';
import { startOcoreProcess, type OcoreProcess } from './ocore-process';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
		serverLogFile: string;
		/** The local server posing as GitHub's `<user>.keys` (PUT keys there: tests/helpers/fake-github.ts). */
		fakeGithubUrl: string;
	}
}

let server: OcoreProcess | undefined;
let fakeGithub: FakeGithub | undefined;

export async function setup(project: TestProject) {
	fakeGithub = await startFakeGithub();
	server = await startOcoreProcess({
		ADMIN_EMAILS: 'admin@integration.test',
		// The real sign-in limit: the REST tests prove it (each test client sends its own X-Forwarded-For).
		AUTH_RATE_LIMIT_PER_MINUTE: '5',
		// Request logging on, so a test can prove no secret ever reaches the server's log.
		LOG_REQUESTS: 'true',
		GITHUB_KEYS_BASE_URL: fakeGithub.url,
		FETCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1'
	});
	project.provide('baseUrl', server.baseUrl);
	project.provide('serverLogFile', server.logFile);
	project.provide('fakeGithubUrl', fakeGithub.url);
}

export async function teardown() {
	await server?.stop();
	await fakeGithub?.close();
}
