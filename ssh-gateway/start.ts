/**
 * Starts the SSH gateway inside the app's process (src/server.ts calls this when SSH_ENABLED): the
 * one place the gateway core is wired to its services (the session registry, recording rows,
 * directory and audit sink of src/lib/server/gateway-sessions, and the container backend), and the
 * ssh2 server on SSH_HOST:SSH_PORT in front of it.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AppContext } from '../src/lib/server/app-context';
import { gatewayServices } from '../src/lib/server/gateway-sessions/gateway-services';
import { createGatewayCore, type GatewayCore } from './core/gateway';
import { gatewayLog, type GatewayLog } from './core/log';
import { startSshGateway, type SshGateway } from './ssh/server';

export type RunningGateway = SshGateway & { core: GatewayCore };

export type GatewayApp = Pick<AppContext, 'db' | 'clock' | 'config' | 'containers'>;

/** Identifies one process's rows in gateway_sessions. */
export function newGatewayId(): string {
	return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** The core wired to the services that own its tables, the directory, the audit chain and Docker. */
export function wireGatewayCore(app: GatewayApp, options: { log?: GatewayLog; gatewayId?: string } = {}): GatewayCore {
	const services = gatewayServices(app, options.gatewayId ?? newGatewayId());
	return createGatewayCore({ ...services, clock: app.clock, config: app.config, backend: app.containers, log: options.log ?? gatewayLog });
}

export async function startGateway(
	app: GatewayApp,
	options: { port?: number; host?: string; log?: GatewayLog } = {}
): Promise<RunningGateway> {
	const log = options.log ?? gatewayLog;
	const core = wireGatewayCore(app, { log });
	const ssh = await startSshGateway({
		core,
		dataDir: app.config.dataDir,
		host: options.host ?? app.config.sshHost,
		port: options.port ?? app.config.sshPort,
		log,
		limits: {
			maxUnauthenticatedPerIp: app.config.sshMaxUnauthenticatedPerIp,
			maxUnauthenticated: app.config.sshMaxUnauthenticated,
			identTimeoutSeconds: app.config.sshIdentTimeoutSeconds,
			loginGraceSeconds: app.config.sshLoginGraceSeconds
		}
	});
	return { ...ssh, core };
}
