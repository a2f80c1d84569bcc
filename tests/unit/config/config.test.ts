import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/lib/server/config';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'ocore-config-'));

describe('configuration', () => {
	it('refuses to start in production without a JWT_SECRET, or with a short one, naming the variable', () => {
		expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() })).toThrow(
			'Invalid configuration: JWT_SECRET is required in production (at least 32 characters)'
		);
		expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), JWT_SECRET: 'short' })).toThrow(
			'Invalid configuration: JWT_SECRET must be at least 32 characters'
		);
		const key = { SSH_ENCRYPTION_KEY: 'k'.repeat(32) };
		expect(loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), JWT_SECRET: 'x'.repeat(32), ...key }).jwtSecret).toBe('x'.repeat(32));
	});

	it('refuses to start in production without an SSH_ENCRYPTION_KEY of at least 32 characters', () => {
		const base = { NODE_ENV: 'production', DATA_DIR: dataDir(), JWT_SECRET: 'x'.repeat(32) };
		expect(() => loadConfig(base)).toThrow('Invalid configuration: SSH_ENCRYPTION_KEY is required in production (at least 32 characters)');
		expect(() => loadConfig({ ...base, SSH_ENCRYPTION_KEY: 'short' })).toThrow('Invalid configuration: SSH_ENCRYPTION_KEY must be at least 32 characters');
	});

	it('generates a development secret once, keeps it mode 0600 in the data folder, and warns', () => {
		const dir = dataDir();
		const warnings: string[] = [];
		const first = loadConfig({ DATA_DIR: dir }, (w) => warnings.push(w));
		const second = loadConfig({ DATA_DIR: dir }, (w) => warnings.push(w));
		expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
		expect(second.jwtSecret).toBe(first.jwtSecret);
		expect(readFileSync(path.join(dir, 'jwt-secret'), 'utf8').trim()).toBe(first.jwtSecret);
		expect(statSync(path.join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
		// One warning per generated secret (JWT_SECRET, SSH_ENCRYPTION_KEY), on the first start only.
		expect(warnings).toHaveLength(2);
		expect(warnings.join('\n')).not.toContain(first.jwtSecret);
		expect(warnings.join('\n')).not.toContain(first.sshEncryptionKey);
		expect(second.sshEncryptionKey).toBe(first.sshEncryptionKey);
	});

	it('names the variable of a bad value', () => {
		expect(() => loadConfig({ PORT: 'eighty', DATA_DIR: dataDir() })).toThrow(/^Invalid configuration: PORT: /);
		expect(() => loadConfig({ APP_URL: 'not a url', DATA_DIR: dataDir() })).toThrow(/^Invalid configuration: APP_URL: /);
		expect(() => loadConfig({ TRUSTED_PROXY_HOPS: '-1', DATA_DIR: dataDir() })).toThrow(/^Invalid configuration: TRUSTED_PROXY_HOPS: /);
	});

	it('marks cookies Secure and allows CORS exactly for APP_URL (and DOCS_ORIGIN)', () => {
		const https = loadConfig({ APP_URL: 'https://ocore.example.com/', DOCS_ORIGIN: 'https://docs.example.com', DATA_DIR: dataDir(), JWT_SECRET: 'y'.repeat(40) });
		expect(https.secureCookies).toBe(true);
		expect(https.allowedOrigins).toEqual(['https://ocore.example.com', 'https://docs.example.com']);
		const http = loadConfig({ APP_URL: 'http://localhost:3000', DATA_DIR: dataDir(), JWT_SECRET: 'y'.repeat(40) });
		expect(http.secureCookies).toBe(false);
	});

	it('is frozen after load, deeply: a mutation throws instead of changing what every module reads', () => {
		const config = loadConfig({ DATA_DIR: dataDir(), JWT_SECRET: 'y'.repeat(40), ADMIN_EMAILS: 'a@b.c' }, () => {});
		expect(() => {
			(config as { sshPort: number }).sshPort = 1;
		}).toThrow(TypeError);
		expect(() => (config.adminEmails as string[]).push('intruder@example.com')).toThrow(TypeError);
		expect(config.sshPort).toBe(2222);
		expect(config.adminEmails).toEqual(['a@b.c']);
	});

	it('states the migrations folder and the build folder, resolved to absolute paths', () => {
		const defaults = loadConfig({ DATA_DIR: dataDir(), JWT_SECRET: 'y'.repeat(40) }, () => {});
		expect(defaults.migrationsDir).toBe(path.resolve('drizzle'));
		expect(defaults.buildDir).toBe(path.resolve('build'));
		const set = loadConfig({ DATA_DIR: dataDir(), JWT_SECRET: 'y'.repeat(40), MIGRATIONS_DIR: '/srv/ocore/drizzle', OCORE_BUILD_DIR: 'dist' }, () => {});
		expect(set.migrationsDir).toBe('/srv/ocore/drizzle');
		expect(set.buildDir).toBe(path.resolve('dist'));
	});
});
