/**
 * The production entry: one Node process serves everything. It opens the database and applies
 * migrations before listening, then mounts the SvelteKit handler (pages, /api/trpc, the REST facade).
 * The browser terminal's WebSocket (same HTTP server) and the SSH gateway attach to this same process.
 */
import { createServer } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { nativeSshCrypto } from '../ssh-gateway/ssh/crypto-binding';
import { startGateway, type RunningGateway } from '../ssh-gateway/start';
import { getAppContext } from './lib/server/app-context';
import { hasAnyAccount } from './lib/server/auth/service';
import { ConfigError, loadConfig } from './lib/server/config';
import { ADAPTER_BODY_SIZE_LIMIT, frontRequest } from './lib/server/http/node-front';
import { logger } from './lib/server/logger';
import { startMaintenance } from './lib/server/maintenance/sweep';
import { describeDatabase, formatBanner } from './lib/server/startup/banner';
import { APP_VERSION } from './lib/server/version';

const KEEP_ALIVE_TIMEOUT_MS = 65_000;

async function main() {
	let config;
	try {
		config = loadConfig();
	} catch (err) {
		if (err instanceof ConfigError) {
			console.error(err.message);
			process.exit(2);
		}
		throw err;
	}
	// adapter-node assumes https when it cannot tell the protocol; APP_URL is the canonical origin of
	// this deployment, so page URLs, redirects and SvelteKit's own form CSRF check all agree with it.
	process.env.ORIGIN ??= config.appUrl.origin;
	process.env.BODY_SIZE_LIMIT = ADAPTER_BODY_SIZE_LIMIT;
	const app = await getAppContext();
	const maintenance = startMaintenance(app);
	const handlerPath = pathToFileURL(path.join(config.buildDir, 'handler.js')).href;
	const { handler } = (await import(handlerPath)) as {
		handler: (req: unknown, res: unknown, next: () => void) => void;
	};

	const server = createServer((req, res) => {
		if (frontRequest(req, res, { hsts: config.secureCookies })) return;
		handler(req, res, () => {
			res.statusCode = 404;
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ error: 'not_found', message: 'Not found' }));
		});
	});
	// Idle keep-alive sockets stay open longer than the reverse proxies and HTTP clients that reuse them
	// (load balancers typically keep 60 s): with Node's 5 s, a client or proxy could send a request on a
	// socket at the moment the server closed it, and get a reset instead of an answer.
	server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
	server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => resolve());
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	logger.info('oCore listening', {
		url: `http://${config.host}:${port}`,
		database: app.dbHandle.driver,
		appUrl: config.appUrl.origin,
		migrationsApplied: app.migrations.applied,
		migrationsTotal: app.migrations.total
	});

	const gateway: RunningGateway = await startGateway(app);
	// The browser terminal's WebSocket (GET /ws/terminal); any other upgrade is not ours to take.
	server.on('upgrade', (req, socket, head) => {
		if (!gateway.terminal.handleUpgrade(req, socket, head)) socket.destroy();
	});
	if (gateway.ssh) {
		// SSH_PORT=0 asks for a free port; what the server advertises must be the one really bound.
		app.sshGatewayListening(gateway.ssh.port);
		logger.info('SSH gateway listening', { host: config.sshHost, port: gateway.ssh.port, crypto: nativeSshCrypto() ? 'native' : 'javascript' });
	}

	const banner = formatBanner(
		{
			version: APP_VERSION,
			appUrl: config.appUrl.origin,
			listening: { host: config.host, port },
			ssh: gateway.ssh ? { host: config.sshHost, port: gateway.ssh.port, nativeCrypto: nativeSshCrypto() } : null,
			database: describeDatabase(config),
			migrations: app.migrations,
			noAccountYet: !(await hasAnyAccount(app.db)),
			adminEmails: config.adminEmails
		},
		{ bold: process.stdout.isTTY === true && !process.env.NO_COLOR }
	);
	process.stdout.write(`\n${banner}\n`);

	const shutdown = (signal: string) => {
		logger.info('shutting down', { signal });
		server.close();
		server.closeAllConnections();
		Promise.all([gateway.close(), maintenance.stop()])
			.catch(() => {})
			.then(() => app.close())
			.finally(() => process.exit(0));
	};
	process.on('SIGTERM', () => shutdown('SIGTERM'));
	process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
	console.error('oCore failed to start:', err instanceof Error ? err.message : err);
	process.exit(1);
});
