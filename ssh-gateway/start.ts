/**
 * Starts the gateway inside the app's process (src/server.ts calls this): the one place the gateway
 * core is wired to its services (the session registry, recording rows, directory and audit sink of
 * src/lib/server/gateway-sessions, and the container backend), with its two front doors: the ssh2
 * server on SSH_HOST:SSH_PORT (when SSH_ENABLED) and the browser terminal's WebSocket door, which the
 * app's HTTP server hands its upgrades to.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AppContext } from '../src/lib/server/app-context';
import { SESSION_COOKIE } from '../src/lib/server/auth/authenticate';
import { gatewayServices } from '../src/lib/server/gateway-sessions/gateway-services';
import { admitTerminal } from '../src/lib/server/terminal/admission';
import { createGatewayCore, type GatewayCore } from './core/gateway';
import { gatewayLog, type GatewayLog } from './core/log';
import { startSshGateway, type SshGateway } from './ssh/server';
import { createTerminalDoor, type TerminalDoor } from './ws/terminal-door';
import type { TerminalSocketOptions } from './ws/terminal-socket';

export type GatewayApp = Pick<AppContext, 'db' | 'clock' | 'config' | 'containers'>;

/** The gateway core and its doors: the terminal door always, the SSH server when asked for. */
export type RunningGateway = {
	core: GatewayCore;
	/** Attach to the app's HTTP server: `server.on('upgrade', …)` hands it the terminal's upgrades. */
	terminal: TerminalDoor;
	ssh: SshGateway | null;
	close(): Promise<void>;
};

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
	app: AppContext,
	options: { ssh?: boolean; port?: number; host?: string; log?: GatewayLog; terminalSocket?: TerminalSocketOptions } = {}
): Promise<RunningGateway> {
	const log = options.log ?? gatewayLog;
	const core = wireGatewayCore(app, { log });
	const terminal = createTerminalDoor({
		core,
		appOrigin: app.config.appUrl.origin,
		trustedProxyHops: app.config.trustedProxyHops,
		admit: (request) => admitTerminal(app, request),
		cookieName: SESSION_COOKIE,
		log,
		socket: options.terminalSocket
	});
	const ssh =
		(options.ssh ?? app.config.sshEnabled)
			? await startSshGateway({
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
				})
			: null;
	core.start();
	return {
		core,
		terminal,
		ssh,
		async close() {
			terminal.close();
			await core.stop();
			await ssh?.close();
		}
	};
}
