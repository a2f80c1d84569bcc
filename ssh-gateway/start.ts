/**
 * Starts the SSH gateway inside the app's process (src/server.ts calls this when SSH_ENABLED):
 * one gateway core over the app's database, clock, configuration and container backend, and the
 * ssh2 server on SSH_HOST:SSH_PORT in front of it.
 */
import type { AppContext } from '../src/lib/server/app-context';
import { createGatewayCore, type GatewayCore } from './core/gateway';
import { gatewayLog, type GatewayLog } from './core/log';
import { startSshGateway, type SshGateway } from './ssh/server';

export type RunningGateway = SshGateway & { core: GatewayCore };

export async function startGateway(
	app: Pick<AppContext, 'db' | 'clock' | 'config' | 'containers'>,
	options: { port?: number; host?: string; log?: GatewayLog } = {}
): Promise<RunningGateway> {
	const log = options.log ?? gatewayLog;
	const core = createGatewayCore({ db: app.db, clock: app.clock, config: app.config, backend: app.containers, log });
	const ssh = await startSshGateway({
		core,
		dataDir: app.config.dataDir,
		host: options.host ?? app.config.sshHost,
		port: options.port ?? app.config.sshPort,
		log
	});
	return { ...ssh, core };
}
