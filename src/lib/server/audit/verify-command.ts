/**
 * `npm run audit:verify`: checks every audit hash chain of the configured database (DATABASE_URL,
 * or the embedded PGlite in DATA_DIR/pglite) and prints a line per chain plus every problem found.
 *
 * Exit codes: 0 every chain intact; 1 tampering detected; 2 configuration or database error.
 * It only reads: it applies no migrations and never creates a database or a secret file. With the
 * embedded PGlite, stop the server first (one process owns a PGlite folder at a time).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../config';
import { openDatabase, type DatabaseHandle } from '../db/client';
import { locateExistingDatabase, rootCauseMessage } from '../db/existing-database';
import { verifyAuditChains, type AuditVerifyReport } from './verify';

export const EXIT_INTACT = 0;
export const EXIT_TAMPERED = 1;
export const EXIT_ERROR = 2;

/**
 * The verifier signs and decrypts nothing; placeholders keep loadConfig from demanding (production)
 * or generating (development) secrets it has no use for.
 */
const UNUSED_SECRETS = {
	JWT_SECRET: 'audit-verify-does-not-use-the-jwt-secret',
	SSH_ENCRYPTION_KEY: 'audit-verify-does-not-use-the-encryption-key'
};

type Output = { out: (line: string) => void; err: (line: string) => void };

export function formatReport(report: AuditVerifyReport): string[] {
	const lines: string[] = [];
	for (const chain of report.chains) {
		const label = chain.chain === 'account' ? 'account' : `org ${chain.chain}`;
		const status = chain.intact ? 'ok' : `TAMPERED (${chain.problems.length} problem(s))`;
		lines.push(`chain ${label}: ${chain.rowCount} row(s), last seq ${chain.lastSeq ?? '-'}, head seq ${chain.headSeq ?? '-'}: ${status}`);
		for (const p of chain.problems) lines.push(`  - ${p.kind}: ${p.message}`);
	}
	lines.push(
		report.intact
			? `Audit log intact: ${report.chains.length} chain(s), ${report.rowCount} row(s).`
			: `Audit log TAMPERED: ${report.problems.length} problem(s) in ${report.chains.filter((c) => !c.intact).length} chain(s).`
	);
	return lines;
}

export async function runVerifyCommand(
	env: Record<string, string | undefined> = process.env,
	io: Output = { out: (l) => console.log(l), err: (l) => console.error(l) }
): Promise<number> {
	let handle: DatabaseHandle | undefined;
	try {
		const config = loadConfig({ ...env, ...UNUSED_SECRETS }, () => {});
		const { where, pgliteDir, missing } = locateExistingDatabase(config);
		if (missing) {
			io.err(`audit:verify: no database found at ${pgliteDir}; set DATABASE_URL or DATA_DIR`);
			return EXIT_ERROR;
		}
		io.out(`audit:verify: checking ${where}`);
		handle = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir, maxConnections: 1 });
		const report = await verifyAuditChains(handle.db);
		const lines = formatReport(report);
		for (const line of lines) (report.intact ? io.out : io.err)(line);
		return report.intact ? EXIT_INTACT : EXIT_TAMPERED;
	} catch (err) {
		if (err instanceof ConfigError) io.err(`audit:verify: ${err.message}`);
		else io.err(`audit:verify: database error: ${describeDatabaseError(err)}`);
		return EXIT_ERROR;
	} finally {
		await handle?.close().catch(() => {});
	}
}

/** The driver's own message (never the connection string, which may hold a password). */
function describeDatabaseError(err: unknown): string {
	const message = rootCauseMessage(err);
	if (/audit_logs|audit_chain_heads/.test(message) && /does not exist/.test(message)) {
		return `${message} (the database has no audit tables: start the server once to apply migrations)`;
	}
	return message;
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
	runVerifyCommand().then(
		(code) => process.exit(code),
		(err) => {
			console.error('audit:verify: unexpected failure:', err instanceof Error ? err.message : err);
			process.exit(EXIT_ERROR);
		}
	);
}
