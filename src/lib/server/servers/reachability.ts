/**
 * Whether each of an org's servers answers right now, and with which Docker version: what the Servers
 * page shows beside each engine. All servers are asked at once with the backend's short state()
 * budget, so one engine that is down cannot hold the page for long. The engine's own words go to
 * the log; the page gets a user-safe sentence per failure reason. The caller is authorized by the
 * front door (view:instances), like listServers.
 */
import { asc, eq } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { isContainerBackendError } from '../containers/container-backend';
import { servers, type Server } from '../db/schema';
import { isAppError } from '../errors';
import { logger } from '../logger';
import { resolveDockerEndpoint } from './service';

export type ServerReachability = { serverId: string; reachable: true; version: string } | { serverId: string; reachable: false; problem: string };

type Deps = Pick<AppContext, 'db' | 'config' | 'containers'>;

function problemOf(err: unknown, server: Server): string {
	if (isAppError(err)) return err.message;
	if (!isContainerBackendError(err)) return 'The Docker engine could not be asked';
	switch (err.reason) {
		case 'blocked_address':
			return 'On a private or loopback address, which oCore does not connect to unless DOCKER_ALLOW_PRIVATE_HOSTS names it';
		case 'engine':
			return 'The Docker engine answered with an error';
		default:
			return server.kind === 'ssh' ? 'Unreachable (SSH connection or Docker engine did not answer)' : 'Unreachable (the Docker engine did not answer)';
	}
}

async function check(app: Deps, server: Server): Promise<ServerReachability> {
	try {
		const version = await app.containers.engineVersion(resolveDockerEndpoint(app, server));
		return { serverId: server.id, reachable: true, version };
	} catch (err) {
		logger.warn('server reachability check failed', { server: server.id, detail: err instanceof Error ? err.message : String(err) });
		return { serverId: server.id, reachable: false, problem: problemOf(err, server) };
	}
}

export async function checkServers(app: Deps, orgId: string): Promise<ServerReachability[]> {
	const rows = await app.db.select().from(servers).where(eq(servers.orgId, orgId)).orderBy(asc(servers.name), asc(servers.id));
	return Promise.all(rows.map((row) => check(app, row)));
}
