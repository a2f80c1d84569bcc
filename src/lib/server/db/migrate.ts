/**
 * Applies the generated SQL migrations in drizzle/ once, before the server listens. A session-level
 * advisory lock serialises concurrent start-ups (two processes behind one load balancer), so only one
 * of them runs each migration and the others wait, then find nothing left to do.
 *
 * It reports how many it applied (the rows Drizzle's journal table gained, counted under the lock),
 * so the start-up banner can say "3 applied" or "up to date".
 */
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { Database, DatabaseHandle } from './client';

/** Arbitrary constant shared by every oCore process: "oCore migrations". */
const MIGRATION_LOCK_KEY = 7_302_024_601;

export type MigrationReport = { applied: number; total: number };

/** Rows of Drizzle's own journal (schema `drizzle`, table `__drizzle_migrations`); 0 before the first run made it. */
async function journalRows(db: Database): Promise<number> {
	// postgres-js answers with an array of rows, PGlite with {rows}; the handle types both as the former.
	const rows = (result: unknown) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
	const [table] = rows(await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`));
	if (!table?.present) return 0;
	const [count] = rows(await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
	return Number(count?.n ?? 0);
}

/** `migrationsFolder` is the configuration's MIGRATIONS_DIR (config.migrationsDir). */
export async function runMigrations(handle: DatabaseHandle, migrationsFolder: string): Promise<MigrationReport> {
	const total = readMigrationFiles({ migrationsFolder }).length;
	if (handle.driver === 'pglite') {
		// One embedded database belongs to one process; no lock needed.
		const before = await journalRows(handle.db);
		// The handle holds a PGlite Drizzle database typed as the postgres-js one (see client.ts); undo that here.
		await migratePglite(handle.db as unknown as Parameters<typeof migratePglite>[0], { migrationsFolder });
		return { applied: (await journalRows(handle.db)) - before, total };
	}
	// The advisory lock belongs to a connection: hold it on a reserved one while the migrator runs on
	// the pool; every other process blocks on the same lock until this one has finished.
	const client = handle.postgresClient;
	if (!client) throw new Error('postgres driver without a client');
	const reserved = await client.reserve();
	try {
		await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
		try {
			const before = await journalRows(handle.db);
			await migratePostgres(handle.db, { migrationsFolder });
			return { applied: (await journalRows(handle.db)) - before, total };
		} finally {
			await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
		}
	} finally {
		reserved.release();
	}
}
