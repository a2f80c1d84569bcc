/**
 * Applies the generated SQL migrations in drizzle/ once, before the server listens. A session-level
 * advisory lock serialises concurrent start-ups (two processes behind one load balancer), so only one
 * of them runs each migration and the others wait, then find nothing left to do.
 */
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { DatabaseHandle } from './client';

/** Arbitrary constant shared by every oCore process: "oCore migrations". */
const MIGRATION_LOCK_KEY = 7_302_024_601;

/** `migrationsFolder` is the configuration's MIGRATIONS_DIR (config.migrationsDir). */
export async function runMigrations(handle: DatabaseHandle, migrationsFolder: string) {
	if (handle.driver === 'pglite') {
		// One embedded database belongs to one process; no lock needed.
		// The handle holds a PGlite Drizzle database typed as the postgres-js one (see client.ts); undo that here.
		await migratePglite(handle.db as unknown as Parameters<typeof migratePglite>[0], { migrationsFolder });
		return;
	}
	// The advisory lock belongs to a connection: hold it on a reserved one while the migrator runs on
	// the pool; every other process blocks on the same lock until this one has finished.
	const client = handle.postgresClient;
	if (!client) throw new Error('postgres driver without a client');
	const reserved = await client.reserve();
	try {
		await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
		try {
			await migratePostgres(handle.db, { migrationsFolder });
		} finally {
			await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
		}
	} finally {
		reserved.release();
	}
}
