/**
 * SSH_PORT=0 asks the gateway for any free port. The configuration keeps saying 0 (it is frozen after
 * load); what the server advertises to SSH clients (GET /api/ssh/client-config, used by `ocore ssh-config`)
 * must be the port really bound, or every pasted config would point at port 0.
 */
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOcoreProcess, type OcoreProcess } from '../../helpers/ocore-process';

let server: OcoreProcess;

beforeAll(async () => {
	server = await startOcoreProcess({ LOG_REQUESTS: 'false' }, { sshPort: 0 });
});

afterAll(async () => {
	await server?.stop();
});

function banner(port: number): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = createConnection({ host: '127.0.0.1', port }, () => socket.once('data', (d) => (socket.destroy(), resolve(d.toString('latin1')))));
		socket.on('error', reject);
	});
}

describe('SSH_PORT=0', () => {
	it('advertises the port the gateway really bound, and an SSH server answers there', async () => {
		const res = await fetch(`${server.baseUrl}/api/ssh/client-config`);
		const body = (await res.json()) as { host: string; port: number; usernamePrefix: string };
		expect(body.port).toBeGreaterThan(0);
		expect(body.port).toBe(server.sshPort);
		expect(await banner(body.port)).toMatch(/^SSH-2\.0-/);
	});
});
