/**
 * A shipped server (src/server.ts over build/) whose database a test may write directly, for state
 * that no route of this build creates (a confirmed TOTP credential, while the TOTP flow is built
 * separately). Nothing is exposed in the server for it: on PostgreSQL (DATABASE_URL set) the test
 * writes to the server's own fresh database while it runs; on the embedded PGlite, which one process
 * holds at a time, the server is stopped, the data folder written, and the server started again on
 * the same data folder and ports (sessions live in the database, so bearer tokens stay valid).
 */
import path from 'node:path';
import { openDatabase, type Database } from '../../src/lib/server/db/client';
import { freshDatabase, type FreshDatabase } from './fresh-database';
import { startOcoreProcess, type OcoreProcess } from './ocore-process';

export type SeedableServer = {
	readonly server: OcoreProcess;
	/** Runs `write` against the server's database; the server answers again when it resolves. */
	seed(write: (db: Database) => Promise<void>): Promise<void>;
	stop(): Promise<void>;
};

export async function startSeedableServer(env: Record<string, string> = {}): Promise<SeedableServer> {
	const database: FreshDatabase = await freshDatabase();
	const withDatabase = { ...env, ...(database.url ? { DATABASE_URL: database.url } : {}) };
	const unsetEnv = database.url ? [] : ['DATABASE_URL'];
	let server = await startOcoreProcess(withDatabase, { unsetEnv, sshPort: 0 });

	async function write(options: { databaseUrl?: string; pgliteDir?: string }, fn: (db: Database) => Promise<void>) {
		const handle = await openDatabase(options);
		try {
			await fn(handle.db);
		} finally {
			await handle.close();
		}
	}

	return {
		get server() {
			return server;
		},
		async seed(fn) {
			if (database.url) return write({ databaseUrl: database.url }, fn);
			const { dataDir, baseUrl, sshPort } = server;
			await server.stop();
			await write({ pgliteDir: path.join(dataDir, 'pglite') }, fn);
			server = await startOcoreProcess(withDatabase, { unsetEnv, dataDir, httpPort: Number(new URL(baseUrl).port), sshPort });
		},
		async stop() {
			await server.stop();
			await database.drop();
		}
	};
}
