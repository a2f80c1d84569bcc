/**
 * The lines a person reads after `npm start`, from the real server (src/server.ts over build/) on a
 * fresh database: PGlite in its own data folder, or a fresh PostgreSQL database when DATABASE_URL is
 * set. Started twice on the same database: the second start finds the migrations applied and an account.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../../../package.json' with { type: 'json' };
import { uniqueEmail, uniqueIp } from '../../helpers/app';
import { freshDatabase, type FreshDatabase } from '../../helpers/fresh-database';
import { startOcoreProcess, type OcoreProcess } from '../../helpers/ocore-process';
import { waitFor } from '../../helpers/poll';

const START_TIMEOUT_MS = 300_000;
const MIGRATIONS_TOTAL = (JSON.parse(readFileSync('drizzle/meta/_journal.json', 'utf8')) as { entries: unknown[] }).entries.length;

let db: FreshDatabase | undefined;
afterAll(async () => {
	await db?.drop();
});

/** The banner block: from its title to the blank line that ends it. */
async function bannerOf(server: OcoreProcess): Promise<string[]> {
	const block = await waitFor(() => /^oCore \S+ is running\n(?:.+\n)+\n/m.exec(server.output())?.[0], 60_000);
	return block.trimEnd().split('\n');
}

/**
 * On PostgreSQL, a password goes into the URL when it has none, to prove it is never printed: the
 * test server trusts local connections (.ci/run connects as postgres@127.0.0.1 with no password),
 * so a password it never asks for is harmless. A URL that already has one keeps it.
 */
function withPassword(url: string): { url: string; password: string } {
	const parsed = new URL(url);
	parsed.password ||= 'banner-test-password-4b1d';
	return { url: parsed.toString(), password: decodeURIComponent(parsed.password) };
}

describe('the start-up banner', () => {
	it('says the version, URL, SSH port, database without password, migrations applied, and who becomes admin', { timeout: START_TIMEOUT_MS }, async () => {
		db = await freshDatabase();
		const dataDir = mkdtempSync(path.join(tmpdir(), 'ocore-banner-'));
		const database = db.url ? withPassword(db.url) : undefined;
		const env = { ADMIN_EMAILS: 'ops@banner.test', ...(database ? { DATABASE_URL: database.url } : {}) };
		const options = { dataDir, sshPort: 0, unsetEnv: database ? [] : ['DATABASE_URL'] };

		const first = await startOcoreProcess(env, options);
		let lines: string[];
		try {
			lines = await bannerOf(first);
			await fetch(`${first.baseUrl}/api/auth/signup`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-forwarded-for': uniqueIp() },
				body: JSON.stringify({ email: uniqueEmail(), password: 'correct horse 42', name: 'First' })
			}).then((res) => expect(res.status).toBe(201));
		} finally {
			await first.stop();
		}
		const port = new URL(first.baseUrl).port;
		expect(lines[0]).toBe(`oCore ${pkg.version} is running`);
		expect(lines[1]).toBe(`  URL         ${first.baseUrl}  (listening on 127.0.0.1:${port})`);
		expect(lines[2]).toMatch(new RegExp(`^  SSH         port ${first.sshPort} \\(on 127\\.0\\.0\\.1\\), (native|JavaScript) crypto`));
		if (database) {
			const { hostname, port: pgPort, pathname } = new URL(database.url);
			expect(lines[3]).toBe(`  Database    PostgreSQL at ${hostname}:${pgPort || '5432'}${pathname}`);
			expect(first.output()).not.toContain(database.password);
		} else {
			expect(lines[3]).toBe(`  Database    PGlite in ${path.join(dataDir, 'pglite')}`);
		}
		expect(lines[4]).toBe(`  Migrations  ${MIGRATIONS_TOTAL} applied, ${MIGRATIONS_TOTAL} total`);
		expect(lines[5]).toBe(
			`  No account yet: the first one to sign up at ${first.baseUrl}/signup becomes platform admin. ADMIN_EMAILS (ops@banner.test) are admins too.`
		);
		expect(lines).toHaveLength(6);

		const second = await startOcoreProcess(env, options);
		try {
			const again = await bannerOf(second);
			expect(again[2]).toMatch(new RegExp(`^  SSH         port ${second.sshPort} `));
			expect(again[4]).toBe(`  Migrations  up to date, ${MIGRATIONS_TOTAL} migrations`);
			// An account exists now: no first-account hint.
			expect(again).toHaveLength(5);
		} finally {
			await second.stop();
		}
	});
});
