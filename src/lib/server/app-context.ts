/**
 * The process-wide application context: configuration, database, clock and mailer.
 *
 * The production entry (src/server.ts) and the SvelteKit bundle are separate module graphs that run
 * in one process, and an embedded PGlite must be opened exactly once, so the context lives on
 * globalThis under a registered symbol and both graphs share it. Tests build their own contexts
 * with createAppContext and never touch the global one.
 */
import path from 'node:path';
import type { ContainerBackend } from './containers/container-backend';
import { createDockerodeBackend } from './containers/dockerode-backend';
import { systemClock, type Clock } from './clock';
import { loadConfig, type AppConfig } from './config';
import { openDatabase, type Database, type DatabaseHandle } from './db/client';
import { runMigrations, type MigrationReport } from './db/migrate';
import { createJobQueue, type JobQueue } from './jobs/queue';
import { createMailer, type Mailer } from './mail/mailer';

export type AppContext = {
	config: AppConfig;
	db: Database;
	dbHandle: DatabaseHandle;
	/** What opening the database did: migrations applied now, out of how many (the start-up banner says it). */
	migrations: MigrationReport;
	clock: Clock;
	mailer: Mailer;
	/** Docker engines, reached per server (socket, TLS or SSH); made once, clients cached inside. */
	containers: ContainerBackend;
	/** Work done after the response (reset mail); drained before the database closes. */
	jobs: JobQueue;
	/**
	 * The port SSH clients are told to use (GET /api/ssh/client-config, `ocore ssh-config`): SSH_PORT,
	 * or, when SSH_PORT=0 asked for any free port, the one the gateway really bound.
	 */
	advertisedSshPort(): number;
	/** The entry reports the port the gateway bound, once it listens. */
	sshGatewayListening(port: number): void;
	close(): Promise<void>;
};

export type CreateAppContextOptions = {
	config: AppConfig;
	clock?: Clock;
	/** For tests: use an in-memory PGlite instead of DATA_DIR when there is no DATABASE_URL. */
	inMemory?: boolean;
	/** For tests: a container backend other than dockerode. */
	containers?: ContainerBackend;
};

export async function createAppContext(options: CreateAppContextOptions): Promise<AppContext> {
	const { config } = options;
	const dbHandle = await openDatabase({
		databaseUrl: config.databaseUrl,
		pgliteDir: options.inMemory ? undefined : path.join(config.dataDir, 'pglite')
	});
	const migrations = await runMigrations(dbHandle, config.migrationsDir);
	const clock = options.clock ?? systemClock;
	const mailer = createMailer(config, dbHandle.db);
	let boundSshPort: number | undefined;
	const context: AppContext = {
		config,
		db: dbHandle.db,
		dbHandle,
		migrations,
		clock,
		mailer,
		containers: options.containers ?? createDockerodeBackend({ allowPrivateHosts: config.dockerAllowPrivateHosts }),
		jobs: createJobQueue(),
		advertisedSshPort: () => boundSshPort ?? config.sshPort,
		sshGatewayListening: (port) => {
			boundSshPort = port;
		},
		close: async () => {
			await context.jobs.drain();
			await dbHandle.close();
		}
	};
	return context;
}

const GLOBAL_KEY = Symbol.for('ocore.app-context');
type GlobalWithContext = typeof globalThis & { [GLOBAL_KEY]?: Promise<AppContext> };

/** The shared context, created (with migrations applied) on first use. */
export function getAppContext(): Promise<AppContext> {
	const g = globalThis as GlobalWithContext;
	g[GLOBAL_KEY] ??= createAppContext({ config: loadConfig() });
	return g[GLOBAL_KEY];
}
