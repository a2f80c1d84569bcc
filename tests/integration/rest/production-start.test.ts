/** The shipped server refuses to start in production without a proper JWT_SECRET, saying why. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function start(env: Record<string, string>) {
	const { DATABASE_URL: _ignored, JWT_SECRET: _alsoIgnored, ...rest } = process.env;
	return spawnSync(path.resolve('node_modules/.bin/tsx'), ['src/server.ts'], {
		env: { ...rest, NODE_ENV: 'production', PORT: '0', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ocore-prod-')), ...env },
		encoding: 'utf8',
		timeout: 30_000
	});
}

describe('production start-up', () => {
	it('exits 2 with a clear message when JWT_SECRET is missing', () => {
		const r = start({});
		expect(r.status).toBe(2);
		expect(r.stderr).toContain('Invalid configuration: JWT_SECRET is required in production (at least 32 characters)');
	});

	it('exits 2 when JWT_SECRET is shorter than 32 characters, without printing it', () => {
		const r = start({ JWT_SECRET: 'too-short-secret' });
		expect(r.status).toBe(2);
		expect(r.stderr).toContain('JWT_SECRET must be at least 32 characters');
		expect(r.stderr + r.stdout).not.toContain('too-short-secret');
	});
});
