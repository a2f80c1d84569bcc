/**
 * Global setup of the `ssh` Vitest project: one shipped server (src/server.ts over build/) with the
 * SSH gateway on a free port, short limits so the limit tests run quickly, and full recording. Tests
 * create their users, orgs, servers, instances and keys through the REST API with unique names, and
 * their containers through tests/helpers/docker.ts.
 * Without a reachable Docker engine nothing is started and the suites skip, saying why (a failure
 * when CI=true).
 */
import type { TestProject } from 'vitest/node';
import { ensureTestImage, requireDocker } from './docker';
import { startOcoreProcess, type OcoreProcess } from './ocore-process';
import { PLATFORM_ADMIN_EMAIL, TEST_IDLE_TIMEOUT_SECONDS, TEST_MAX_SESSIONS_PER_USER } from './ssh-limits';


declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
		sshDocker: boolean;
		sshPort: number;
		sshDataDir: string;
		sshServerLogFile: string;
	}
}

let server: OcoreProcess | undefined;

export async function setup(project: TestProject) {
	const docker = await requireDocker('SSH gateway tests');
	project.provide('sshDocker', docker);
	if (!docker) {
		project.provide('baseUrl', '');
		project.provide('sshPort', 0);
		project.provide('sshDataDir', '');
		project.provide('sshServerLogFile', '');
		return;
	}
	await ensureTestImage();
	server = await startOcoreProcess({
		SSH_IDLE_TIMEOUT_SECONDS: String(TEST_IDLE_TIMEOUT_SECONDS),
		SSH_MAX_SESSIONS_PER_USER: String(TEST_MAX_SESSIONS_PER_USER),
		SESSION_RECORDING: 'full',
		SESSION_RECORDING_INPUT: 'true',
		ADMIN_EMAILS: PLATFORM_ADMIN_EMAIL,
		LOG_REQUESTS: 'false'
	});
	project.provide('baseUrl', server.baseUrl);
	project.provide('sshPort', server.sshPort);
	project.provide('sshDataDir', server.dataDir);
	project.provide('sshServerLogFile', server.logFile);
}

export async function teardown() {
	await server?.stop();
}
