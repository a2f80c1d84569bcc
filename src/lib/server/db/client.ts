/**
 * Opens the database: PostgreSQL through the `postgres` driver when DATABASE_URL is set, otherwise
 * the embedded PGlite in DATA_DIR/pglite (or in memory for tests). Both give the same Drizzle API.
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import * as schema from './schema';

export type Database = ReturnType<typeof drizzlePostgres<typeof schema>>;
/** A transaction handle has the same query API as the database. */
export type DbOrTx = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

export type DatabaseHandle = {
	db: Database;
	driver: 'postgres' | 'pglite';
	/** The raw postgres-js client, for the migration lock (postgres driver only). */
	postgresClient?: postgres.Sql;
	close(): Promise<void>;
};

export type OpenDatabaseOptions = {
	databaseUrl?: string | undefined;
	/** Folder for PGlite; `undefined` with no databaseUrl means an in-memory PGlite. */
	pgliteDir?: string | undefined;
	maxConnections?: number;
};

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
	if (options.databaseUrl) {
		const client = postgres(options.databaseUrl, {
			max: options.maxConnections ?? 10,
			onnotice: () => {}
		});
		const db = drizzlePostgres(client, { schema });
		return { db, driver: 'postgres', postgresClient: client, close: () => client.end({ timeout: 5 }) };
	}
	let client: PGlite;
	if (options.pgliteDir) {
		mkdirSync(path.dirname(options.pgliteDir), { recursive: true });
		client = await PGlite.create(options.pgliteDir);
	} else {
		client = await PGlite.create();
	}
	// PGlite and postgres-js expose the same query builder through Drizzle; the cast keeps one type.
	const db = drizzlePglite(client, { schema }) as unknown as Database;
	return { db, driver: 'pglite', close: () => client.close() };
}
