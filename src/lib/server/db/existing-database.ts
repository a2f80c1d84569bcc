/**
 * What the operator commands (audit:verify, secrets:rotate) share: find the configured database
 * without creating one, and describe a database failure without echoing the connection string.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config';

export type LocatedDatabase = { where: string; pgliteDir: string | undefined; missing: false } | { where: string; pgliteDir: string; missing: true };

/** Opening a missing PGlite folder would create an empty database, so commands check first. */
export function locateExistingDatabase(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): LocatedDatabase {
	if (config.databaseUrl) return { where: 'PostgreSQL (DATABASE_URL)', pgliteDir: undefined, missing: false };
	const pgliteDir = path.join(config.dataDir, 'pglite');
	return { where: `PGlite at ${pgliteDir}`, pgliteDir, missing: !existsSync(path.join(pgliteDir, 'PG_VERSION')) };
}

/** The driver's own message at the root of the cause chain (never the connection string, which may hold a password). */
export function rootCauseMessage(err: unknown): string {
	let current: unknown = err;
	while (current instanceof Error && current.cause instanceof Error) current = current.cause;
	return current instanceof Error ? current.message : String(current);
}
