/**
 * Migration 0011 turns the free-text `project` and `environment` of instances into records. Applied
 * to a database that stopped at 0010 and holds instances of two orgs, it must keep every instance,
 * create exactly one project per (org, name) and one environment per (project, name), put blank or
 * missing names under "default", and leave every instance pointing at the environment it named.
 * Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../../src/lib/server/db/client';
import { runMigrations } from '../../../src/lib/server/db/migrate';
import { freshDatabase, type FreshDatabase } from '../../helpers/fresh-database';

const MIGRATIONS = path.resolve('drizzle');

/** A copy of drizzle/ whose journal stops at `lastIdx`, so the migrator applies only up to it. */
function migrationsUpTo(lastIdx: number): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'ocore-migrations-'));
	mkdirSync(path.join(dir, 'meta'));
	const journal = JSON.parse(readFileSync(path.join(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as {
		entries: { idx: number; tag: string }[];
	};
	journal.entries = journal.entries.filter((e) => e.idx <= lastIdx);
	for (const e of journal.entries) copyFileSync(path.join(MIGRATIONS, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
	writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify(journal));
	return dir;
}

type Row = Record<string, unknown>;
let handle: DatabaseHandle;
let database: FreshDatabase;

async function query(text: string): Promise<Row[]> {
	const result = (await handle.db.execute(sql.raw(text))) as unknown;
	return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}

const ORG_A = '00000000-0000-4000-8000-00000000000a';
const ORG_B = '00000000-0000-4000-8000-00000000000b';
const SERVER_A = '00000000-0000-4000-8000-0000000000a1';
const SERVER_B = '00000000-0000-4000-8000-0000000000b1';

/** slug, org, project, environment as 0010 stored them (null = not given). */
const LEGACY: [string, string, string | null, string | null][] = [
	['shop-prod', ORG_A, 'webshop', 'production'],
	['shop-prod-2', ORG_A, 'webshop', 'production'],
	['shop-staging', ORG_A, 'webshop', 'staging'],
	['crm-prod', ORG_A, 'crm', 'production'],
	['loose', ORG_A, null, null],
	['env-only', ORG_A, null, 'staging'],
	['project-only', ORG_A, 'crm', null],
	['blank', ORG_A, '  ', ''],
	['other-org', ORG_B, 'webshop', 'production']
];

beforeAll(async () => {
	database = await freshDatabase();
	handle = await openDatabase({ databaseUrl: database.url, maxConnections: 2 });
	const report = await runMigrations(handle, migrationsUpTo(10));
	expect(report.applied).toBe(11);
	await query(`insert into organizations (id, name, slug) values ('${ORG_A}', 'A', 'mig-a'), ('${ORG_B}', 'B', 'mig-b')`);
	await query(
		`insert into servers (id, org_id, name, kind, endpoint) values ('${SERVER_A}', '${ORG_A}', 's', 'tcp', 'a.example:2376'), ('${SERVER_B}', '${ORG_B}', 's', 'tcp', 'b.example:2376')`
	);
	const lit = (v: string | null) => (v === null ? 'null' : `'${v}'`);
	const values = LEGACY.map(
		([slug, org, project, environment], i) =>
			`('${org}', '${slug}', '${slug}', ${lit(project)}, ${lit(environment)}, '${org === ORG_A ? SERVER_A : SERVER_B}', 'c-${slug}', timestamptz '2026-01-01T00:00:00Z' + interval '${i} day')`
	);
	await query(`insert into instances (org_id, slug, name, project, environment, server_id, container, created_at) values ${values.join(', ')}`);
	expect((await runMigrations(handle, MIGRATIONS)).applied).toBe(1);
}, 120_000);

afterAll(async () => {
	await handle?.close();
	await database?.drop();
});

describe('migration 0011 (projects and environments)', () => {
	it('keeps every instance, each in the project and environment it named', async () => {
		const rows = await query(`
			select i.slug, i.org_id, p.name as project, e.name as environment, e.org_id as env_org, p.org_id as project_org
			from instances i join environments e on e.id = i.environment_id join projects p on p.id = e.project_id
			order by i.slug`);
		const expected = LEGACY.map(([slug, org, project, environment]) => ({
			slug,
			org_id: org,
			project: project?.trim() || 'default',
			environment: environment?.trim() || 'default',
			env_org: org,
			project_org: org
		})).sort((a, b) => a.slug.localeCompare(b.slug));
		expect(rows).toEqual(expected);
	});

	it('creates one project per org and name, one environment per project and name', async () => {
		const projects = await query(`select org_id, name from projects order by org_id, name`);
		expect(projects).toEqual([
			{ org_id: ORG_A, name: 'crm' },
			{ org_id: ORG_A, name: 'default' },
			{ org_id: ORG_A, name: 'webshop' },
			{ org_id: ORG_B, name: 'webshop' }
		]);
		const environments = await query(
			`select p.org_id, p.name as project, e.name from environments e join projects p on p.id = e.project_id order by 1, 2, 3`
		);
		expect(environments).toEqual([
			{ org_id: ORG_A, project: 'crm', name: 'default' },
			{ org_id: ORG_A, project: 'crm', name: 'production' },
			{ org_id: ORG_A, project: 'default', name: 'default' },
			{ org_id: ORG_A, project: 'default', name: 'staging' },
			{ org_id: ORG_A, project: 'webshop', name: 'production' },
			{ org_id: ORG_A, project: 'webshop', name: 'staging' },
			{ org_id: ORG_B, project: 'webshop', name: 'production' }
		]);
	});

	it('dates a project by the first instance that named it', async () => {
		const [row] = await query(`select created_at from projects where org_id = '${ORG_A}' and name = 'webshop'`);
		expect(new Date(row!.created_at as string).toISOString()).toBe('2026-01-01T00:00:00.000Z');
	});

	it('makes the environment required and drops the text columns', async () => {
		const columns = await query(
			`select column_name, is_nullable from information_schema.columns where table_name = 'instances' and column_name in ('project', 'environment', 'environment_id')`
		);
		expect(columns).toEqual([{ column_name: 'environment_id', is_nullable: 'NO' }]);
		await expect(
			query(`insert into instances (org_id, slug, name, server_id, container) values ('${ORG_A}', 'no-env', 'x', '${SERVER_A}', 'c-no-env')`)
		).rejects.toThrow();
	});
});
