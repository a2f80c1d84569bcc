/**
 * A gateway core on a test database with the in-memory container backend, and the rows it needs:
 * orgs, a socket server, instances and keys inserted directly (the services that own them are
 * tested elsewhere). Used by tests/integration/gateway.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { gatewaySessions, instances, servers, sshKeys } from '../../src/lib/server/db/schema';
import type { GatewayCore } from '../../ssh-gateway/core/gateway';
import { silentGatewayLog } from '../../ssh-gateway/core/log';
import type { AuthorizeRequest } from '../../ssh-gateway/core/types';
import { wireGatewayCore } from '../../ssh-gateway/start';
import { createTestApp, type TestApp } from './app';
import { waitFor } from './ssh';
import { FakeContainerBackend } from './fake-container-backend';
import { insertUser, joinOrg, orgWithOwner, uniqueSlug, type TestUser } from './orgs';
import { defaultEnvironmentId } from './projects';

export type World = { owner: TestUser; orgId: string; slug: string; instanceId: string; fingerprint: string };

export function randomFingerprint(): string {
	return 'SHA256:' + randomBytes(32).toString('base64').replace(/=+$/, '');
}

export async function coreFixture(env: Record<string, string> = {}) {
	const app: TestApp = await createTestApp({ SSH_MAX_SESSIONS_PER_USER: '2', SESSION_RECORDING: 'full', SESSION_RECORDING_INPUT: 'true', ...env });
	const backend = new FakeContainerBackend();
	const cores: GatewayCore[] = [];

	function makeCore(overrides: Partial<TestApp['config']> = {}, gatewayId?: string): GatewayCore {
		const core = wireGatewayCore(
			{ db: app.db, clock: app.clock, config: { ...app.config, ...overrides }, containers: backend },
			{ log: silentGatewayLog, gatewayId }
		);
		cores.push(core);
		return core;
	}

	async function addKey(userId: string): Promise<string> {
		const fp = randomFingerprint();
		await app.db.insert(sshKeys).values({ userId, name: 'k', type: 'ssh-ed25519', bits: 256, fingerprint: fp, publicKey: `ssh-ed25519 ${fp}` });
		return fp;
	}

	async function world(status: 'running' | 'stopped' | 'provisioning' = 'running', slug = uniqueSlug('inst')): Promise<World> {
		const { owner, org } = await orgWithOwner(app, 'Gateway');
		const [server] = await app.db.insert(servers).values({ orgId: org.id, name: 'local', kind: 'socket', endpoint: '/var/run/docker.sock' }).returning();
		const [instance] = await app.db
			.insert(instances)
			.values({ orgId: org.id, environmentId: await defaultEnvironmentId(app, org.id), slug, name: 'Instance', serverId: server!.id, container: `c-${slug}`, containerId: `c-${slug}`, engineKey: `socket:${slug}`, status })
			.returning();
		return { owner, orgId: org.id, slug, instanceId: instance!.id, fingerprint: await addKey(owner.id) };
	}

	async function member(w: World, role: string): Promise<{ user: TestUser; fingerprint: string }> {
		const user = await insertUser(app, 'member');
		await joinOrg(app, w.owner, w.orgId, user, role);
		return { user, fingerprint: await addKey(user.id) };
	}

	async function open(core: GatewayCore, fp: string, slug: string, command = 'cat') {
		const connection = await core.connect(request(fp, slug));
		const result = await connection.channel().exec(command);
		if (!result.ok) throw new Error(`refused: ${result.code}`);
		return { connection, session: result.session };
	}

	/** The session's row once the gateway has closed it (written just after the exit settles). */
	function closedRow(id: string) {
		return eventually(async () => {
			const [row] = await app.db.select().from(gatewaySessions).where(eq(gatewaySessions.id, id));
			return row?.endedAt ? row : null;
		});
	}

	async function close() {
		for (const core of cores) await core.stop();
		await app.close();
	}

	return { app, backend, makeCore, addKey, world, member, open, closedRow, close };
}

export function request(fp: string, username: string): AuthorizeRequest {
	return { credential: { kind: 'key', fingerprint: fp }, username, clientIp: '192.0.2.7', transport: 'ssh', clientSoftware: 'SSH-2.0-test' };
}

/** Polls until `probe` returns something truthy (the suite's one poll helper, at a 50 ms pace). */
export function eventually<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 5000): Promise<T> {
	return waitFor(probe, timeoutMs, 50);
}
