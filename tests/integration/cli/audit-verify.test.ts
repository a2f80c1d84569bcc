/**
 * `npm run audit:verify` as an operator runs it: a separate process reading the normal configuration,
 * asserting its exit code (0 intact, 1 tampered, 2 configuration/database error) and its output.
 * Always run against an embedded PGlite folder; when DATABASE_URL is set, also against a fresh
 * PostgreSQL database of its own.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../../src/lib/server/app-context';
import { appendOrgAudit } from '../../../src/lib/server/audit/append';
import { loadConfig } from '../../../src/lib/server/config';
import { createIsolatedTestApp } from '../../helpers/orgs';

const TSX_CLI = path.resolve('node_modules/tsx/dist/cli.mjs');
const COMMAND = 'src/lib/server/audit/verify-command.ts';

type RunResult = { code: number | null; stdout: string; stderr: string };

function runVerify(env: Record<string, string>): Promise<RunResult> {
	const base = { ...process.env };
	delete base.DATABASE_URL;
	delete base.DATA_DIR;
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [TSX_CLI, COMMAND], {
			env: { ...base, NODE_ENV: 'production', ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('exit', (code) => resolve({ code, stdout, stderr }));
	});
}

async function seed(app: AppContext, chain: string, rows: number) {
	for (let i = 1; i <= rows; i++) {
		await appendOrgAudit(app.db, chain, { actor: null, action: `cli.event_${i}` }, new Date(Date.UTC(2026, 0, 1, 0, 0, i)));
	}
}

async function tamper(app: AppContext, chain: string) {
	await app.db.transaction(async (tx) => {
		await tx.execute(sql`alter table audit_logs disable trigger user`);
		await tx.execute(sql`update audit_logs set action = 'cli.rewritten' where chain = ${chain} and seq = 2`);
		await tx.execute(sql`alter table audit_logs enable trigger user`);
	});
}

async function openPgliteApp(dataDir: string): Promise<AppContext> {
	const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40) }, () => {});
	return createAppContext({ config });
}

describe('audit:verify on an embedded PGlite folder', () => {
	it('exits 0 with a per-chain summary when intact, and 1 naming the row once a row is edited', async () => {
		const dataDir = mkdtempSync(path.join(tmpdir(), 'ocore-verify-'));
		const chain = randomUUID();
		let app = await openPgliteApp(dataDir);
		await seed(app, chain, 3);
		await app.close();

		const intact = await runVerify({ DATA_DIR: dataDir });
		expect(intact.stderr).toBe('');
		expect(intact.code).toBe(0);
		expect(intact.stdout).toContain(`audit:verify: checking PGlite at ${path.join(dataDir, 'pglite')}`);
		expect(intact.stdout).toContain(`chain org ${chain}: 3 row(s), last seq 3, head seq 3: ok`);
		expect(intact.stdout).toContain('Audit log intact: 1 chain(s), 3 row(s).');

		app = await openPgliteApp(dataDir);
		await tamper(app, chain);
		await app.close();

		const tampered = await runVerify({ DATA_DIR: dataDir });
		expect(tampered.code).toBe(1);
		expect(tampered.stderr).toContain(`chain org ${chain}: 3 row(s), last seq 3, head seq 3: TAMPERED (1 problem(s))`);
		expect(tampered.stderr).toContain('  - hash_mismatch: seq 2 (cli.rewritten) was altered: its hash does not match its content');
		expect(tampered.stderr).toContain('Audit log TAMPERED: 1 problem(s) in 1 chain(s).');
	});

	it('exits 2 when DATA_DIR holds no database, without creating one', async () => {
		const empty = mkdtempSync(path.join(tmpdir(), 'ocore-verify-empty-'));
		const result = await runVerify({ DATA_DIR: empty });
		expect(result.code).toBe(2);
		expect(result.stderr.trim()).toBe(
			`audit:verify: no database found at ${path.join(empty, 'pglite')}; set DATABASE_URL or DATA_DIR`
		);
		const again = await runVerify({ DATA_DIR: empty });
		expect(again.code).toBe(2);
	});

	it('exits 2 with the variable named when the configuration is invalid', async () => {
		const result = await runVerify({ DATA_DIR: tmpdir(), PORT: 'not-a-port' });
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^audit:verify: Invalid configuration: PORT: /);
	});

	it('exits 2 when the database cannot be reached, without echoing the connection string', async () => {
		const result = await runVerify({ DATABASE_URL: 'postgres://verifier:s3cret-pw@127.0.0.1:1/nowhere' });
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^audit:verify: database error: /);
		expect(result.stderr).not.toContain('s3cret-pw');
	});
});

describe.runIf(process.env.DATABASE_URL)('audit:verify on PostgreSQL (DATABASE_URL)', () => {
	it('exits 0 when intact and 1 after tampering', async () => {
		const app = await createIsolatedTestApp();
		try {
			const chain = randomUUID();
			await seed(app, chain, 2);
			const intact = await runVerify({ DATABASE_URL: app.databaseUrl! });
			expect(intact.code).toBe(0);
			expect(intact.stdout).toContain('audit:verify: checking PostgreSQL (DATABASE_URL)');
			expect(intact.stdout).toContain(`chain org ${chain}: 2 row(s), last seq 2, head seq 2: ok`);

			await tamper(app, chain);
			const tampered = await runVerify({ DATABASE_URL: app.databaseUrl! });
			expect(tampered.code).toBe(1);
			expect(tampered.stderr).toContain('hash_mismatch: seq 2 (cli.rewritten) was altered');
		} finally {
			await app.close();
		}
	});
});
