/**
 * `npm run secrets:rotate`: re-encrypts every stored server secret under SSH_ENCRYPTION_KEY, opening
 * values sealed under SSH_ENCRYPTION_KEY_PREVIOUS, in one transaction, and prints the counts.
 *
 * Rotation: set SSH_ENCRYPTION_KEY to the new key and SSH_ENCRYPTION_KEY_PREVIOUS to the old one,
 * restart the server (it reads both), run this, then drop SSH_ENCRYPTION_KEY_PREVIOUS.
 *
 * Exit codes: 0 every secret is now under the current key; 1 some value could not be opened (wrong
 * or missing previous key, or tampering): nothing was changed; 2 configuration or database error.
 * SSH_ENCRYPTION_KEY must be set explicitly: a development key file is never created or guessed here.
 * It applies no migrations. With the embedded PGlite, stop the server first.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../config';
import { openDatabase, type DatabaseHandle } from '../db/client';
import { locateExistingDatabase, rootCauseMessage } from '../db/existing-database';
import { rotateServerSecrets } from './rotate';
import { keyringFromConfig } from './secret-box';

export const EXIT_ROTATED = 0;
export const EXIT_UNREADABLE = 1;
export const EXIT_ERROR = 2;

/** Rotation signs nothing; a placeholder keeps loadConfig from demanding or generating a JWT secret. */
const UNUSED_JWT_SECRET = 'secrets-rotate-does-not-use-the-jwt-secret';
const KEY_MIN_LENGTH = 32;

type Output = { out: (line: string) => void; err: (line: string) => void };

export async function runRotateCommand(
	env: Record<string, string | undefined> = process.env,
	io: Output = { out: (l) => console.log(l), err: (l) => console.error(l) }
): Promise<number> {
	let handle: DatabaseHandle | undefined;
	try {
		if (!env.SSH_ENCRYPTION_KEY || env.SSH_ENCRYPTION_KEY.length < KEY_MIN_LENGTH) {
			io.err(`secrets:rotate: SSH_ENCRYPTION_KEY must be set to the new key (at least ${KEY_MIN_LENGTH} characters)`);
			return EXIT_ERROR;
		}
		const config = loadConfig({ ...env, JWT_SECRET: UNUSED_JWT_SECRET }, () => {});
		const ring = keyringFromConfig(config);
		const { where, pgliteDir, missing } = locateExistingDatabase(config);
		if (missing) {
			io.err(`secrets:rotate: no database found at ${pgliteDir}; set DATABASE_URL or DATA_DIR`);
			return EXIT_ERROR;
		}
		const previous = ring.previous ? `, previous key ${ring.previous.id}` : ', no previous key';
		io.out(`secrets:rotate: ${where}; current key ${ring.current.id}${previous}`);
		handle = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir, maxConnections: 1 });
		const report = await rotateServerSecrets(handle.db, ring);
		if (report.problems.length > 0) {
			for (const p of report.problems) io.err(`  - server ${p.serverId} ${p.column}: ${p.message}`);
			io.err(`secrets:rotate: ${report.problems.length} secret(s) could not be opened; nothing was changed.`);
			return EXIT_UNREADABLE;
		}
		io.out(
			`secrets:rotate: re-encrypted ${report.reencrypted} secret(s), ${report.alreadyCurrent} already under the current key, in ${report.servers} server(s).`
		);
		return EXIT_ROTATED;
	} catch (err) {
		if (err instanceof ConfigError) io.err(`secrets:rotate: ${err.message}`);
		else io.err(`secrets:rotate: database error: ${rootCauseMessage(err)}`);
		return EXIT_ERROR;
	} finally {
		await handle?.close().catch(() => {});
	}
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
	runRotateCommand().then(
		(code) => process.exit(code),
		(err) => {
			console.error('secrets:rotate: unexpected failure:', err instanceof Error ? err.message : err);
			process.exit(EXIT_ERROR);
		}
	);
}
