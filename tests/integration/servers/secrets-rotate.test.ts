/**
 * `npm run secrets:rotate` as an operator runs it: a separate process reading the normal
 * configuration, asserting exit codes (0 rotated, 1 a secret could not be opened and nothing
 * changed, 2 configuration/database error), output, and the rows before and after. Always against
 * an embedded PGlite folder; when DATABASE_URL is set, also against a fresh PostgreSQL database.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../../src/lib/server/app-context';
import { loadConfig } from '../../../src/lib/server/config';
import { servers } from '../../../src/lib/server/db/schema';
import { createServer, resolveDockerEndpoint } from '../../../src/lib/server/servers/service';
import { deriveSecretKey, sealedKeyId } from '../../../src/lib/server/servers/secret-box';
import { makeTlsMaterial } from '../../helpers/docker-endpoints';
import { serverActor } from '../../helpers/instances';
import { orgWithOwner } from '../../helpers/orgs';

const TSX_CLI = path.resolve('node_modules/tsx/dist/cli.mjs');
const COMMAND = 'src/lib/server/servers/rotate-command.ts';
const OLD = 'old-key-for-rotation-tests-0000000000001';
const NEW = 'new-key-for-rotation-tests-0000000000002';
const NEWER = 'newer-key-for-rotation-tests-00000000003';

type RunResult = { code: number | null; stdout: string; stderr: string };

function runRotate(env: Record<string, string>): Promise<RunResult> {
	const base = { ...process.env };
	for (const name of ['DATABASE_URL', 'DATA_DIR', 'SSH_ENCRYPTION_KEY', 'SSH_ENCRYPTION_KEY_PREVIOUS']) delete base[name];
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [TSX_CLI, COMMAND], { env: { ...base, NODE_ENV: 'production', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('exit', (code) => resolve({ code, stdout, stderr }));
	});
}

type Target = { env: Record<string, string>; open(key: string): Promise<AppContext>; dispose(): Promise<void> };

function pgliteTarget(): Target {
	const dataDir = mkdtempSync(path.join(tmpdir(), 'ocore-rotate-'));
	return {
		env: { DATA_DIR: dataDir },
		open: (key) => createAppContext({ config: loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40), SSH_ENCRYPTION_KEY: key }, () => {}) }),
		dispose: async () => {}
	};
}

async function postgresTarget(base: string): Promise<Target> {
	const name = `ocore_rot_${randomBytes(5).toString('hex')}`;
	const admin = postgres(base, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	const url = new URL(base);
	url.pathname = `/${name}`;
	const databaseUrl = url.toString();
	return {
		env: { DATABASE_URL: databaseUrl },
		open: (key) =>
			createAppContext({
				config: loadConfig({ NODE_ENV: 'test', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ocore-rot-')), DATABASE_URL: databaseUrl, JWT_SECRET: 'x'.repeat(40), SSH_ENCRYPTION_KEY: key }, () => {}),
				inMemory: true
			}),
		dispose: async () => {
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end({ timeout: 5 });
		}
	};
}

function sshKey(): string {
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'ocore-key-')), 'id');
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
	return readFileSync(file, 'utf8');
}

async function sealedValues(app: AppContext): Promise<string[]> {
	const rows = await app.db.select().from(servers).orderBy(asc(servers.name));
	return rows.flatMap((r) => [r.tlsKeyEncrypted, r.sshPrivateKeyEncrypted, r.sshPasswordEncrypted]).filter((v): v is string => v !== null);
}

async function rotationScenario(target: Target) {
	const tls = makeTlsMaterial();
	const privateKey = sshKey();
	let app = await target.open(OLD);
	const { owner, org } = await orgWithOwner(app, 'Rotation');
	const actor = serverActor(owner);
	await createServer(app, actor, org.id, { name: 'a-tls', kind: 'tcp', endpoint: 'h.example.test:2376', tls: { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey } });
	await createServer(app, actor, org.id, { name: 'b-ssh', kind: 'ssh', endpoint: 'ssh://root@h.example.test', ssh: { privateKey, password: 'pw-1234567' } });
	await app.close();

	// 1. New key current, old key previous: all three secrets move.
	const rotated = await runRotate({ ...target.env, SSH_ENCRYPTION_KEY: NEW, SSH_ENCRYPTION_KEY_PREVIOUS: OLD });
	expect(rotated.stderr).toBe('');
	expect(rotated.code).toBe(0);
	expect(rotated.stdout).toContain(`current key ${deriveSecretKey(NEW).id}, previous key ${deriveSecretKey(OLD).id}`);
	expect(rotated.stdout).toContain('re-encrypted 3 secret(s), 0 already under the current key, in 2 server(s).');
	expect(rotated.stdout + rotated.stderr).not.toContain(NEW);

	app = await target.open(NEW);
	const values = await sealedValues(app);
	expect(values.map(sealedKeyId)).toEqual(Array(3).fill(deriveSecretKey(NEW).id));
	const [tlsRow, sshRow] = await app.db.select().from(servers).orderBy(asc(servers.name));
	expect(resolveDockerEndpoint(app, tlsRow!)).toMatchObject({ key: tls.clientKey });
	expect(resolveDockerEndpoint(app, sshRow!)).toMatchObject({ privateKey, password: 'pw-1234567' });

	// 2. Idempotent.
	const again = await runRotate({ ...target.env, SSH_ENCRYPTION_KEY: NEW, SSH_ENCRYPTION_KEY_PREVIOUS: OLD });
	expect(again.code).toBe(0);
	expect(again.stdout).toContain('re-encrypted 0 secret(s), 3 already under the current key, in 2 server(s).');

	// 3. All or nothing: one value moved to another row makes the whole rotation roll back.
	await app.db.update(servers).set({ sshPasswordEncrypted: tlsRow!.tlsKeyEncrypted }).where(eq(servers.id, sshRow!.id));
	const before = await sealedValues(app);
	await app.close();
	const refused = await runRotate({ ...target.env, SSH_ENCRYPTION_KEY: NEWER, SSH_ENCRYPTION_KEY_PREVIOUS: NEW });
	expect(refused.code).toBe(1);
	expect(refused.stderr).toContain(`server ${sshRow!.id} ssh_password: Sealed secret failed authentication`);
	expect(refused.stderr).toContain('1 secret(s) could not be opened; nothing was changed.');
	app = await target.open(NEW);
	expect(await sealedValues(app)).toEqual(before);
	await app.close();

	// 4. A key that opens nothing.
	const wrong = await runRotate({ ...target.env, SSH_ENCRYPTION_KEY: NEWER });
	expect(wrong.code).toBe(1);
	expect(wrong.stderr).toContain(`which is neither SSH_ENCRYPTION_KEY (${deriveSecretKey(NEWER).id}) nor SSH_ENCRYPTION_KEY_PREVIOUS`);

	// 5. Configuration errors.
	const noKey = await runRotate({ ...target.env });
	expect(noKey).toMatchObject({ code: 2, stdout: '' });
	expect(noKey.stderr).toContain('secrets:rotate: SSH_ENCRYPTION_KEY must be set to the new key (at least 32 characters)');
	expect((await runRotate({ ...target.env, SSH_ENCRYPTION_KEY: 'short' })).code).toBe(2);
}

describe('secrets:rotate', () => {
	it('rotates an embedded PGlite database: 0, idempotent, all-or-nothing 1, config errors 2', async () => {
		await rotationScenario(pgliteTarget());
	}, 180_000);

	it.skipIf(!process.env.DATABASE_URL)('rotates a PostgreSQL database the same way', async () => {
		const target = await postgresTarget(process.env.DATABASE_URL!);
		try {
			await rotationScenario(target);
		} finally {
			await target.dispose();
		}
	}, 180_000);

	it('exits 2 when there is no database to rotate', async () => {
		const result = await runRotate({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ocore-empty-')), SSH_ENCRYPTION_KEY: NEW });
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/secrets:rotate: no database found at .*pglite; set DATABASE_URL or DATA_DIR/);
	});
});
