/** The start-up banner: what it says about the database never includes a credential. */
import { describe, expect, it } from 'vitest';
import { describeDatabase, formatBanner, type BannerFacts } from '../../../src/lib/server/startup/banner';

describe('describeDatabase', () => {
	it('names PGlite by its folder', () => {
		expect(describeDatabase({ dataDir: '/srv/ocore/data' })).toBe('PGlite in /srv/ocore/data/pglite');
	});

	it('names PostgreSQL by host, port and database, never by user or password', () => {
		const cases: [string, string][] = [
			['postgres://ocore:s3cret-pw@db.internal:6432/ocore_prod?sslmode=require&password=s3cret-pw', 'PostgreSQL at db.internal:6432/ocore_prod'],
			['postgresql://ocore:s3cret-pw@10.0.0.5/ocore', 'PostgreSQL at 10.0.0.5:5432/ocore'],
			['postgres://ocore:s3cret-pw@[2001:db8::1]:5432/ocore', 'PostgreSQL at [2001:db8::1]:5432/ocore'],
			['postgres:///ocore?host=/var/run/postgresql&password=s3cret-pw', 'PostgreSQL at local socket/ocore'],
			['not a url but has s3cret-pw', 'PostgreSQL (DATABASE_URL)']
		];
		for (const [databaseUrl, expected] of cases) {
			const described = describeDatabase({ databaseUrl, dataDir: '/unused' });
			expect(described, databaseUrl).toBe(expected);
			expect(described).not.toContain('s3cret-pw');
			expect(described).not.toContain('ocore:');
		}
	});
});

describe('formatBanner', () => {
	const facts: BannerFacts = {
		version: '1.2.3',
		appUrl: 'http://localhost:3000',
		listening: { host: '0.0.0.0', port: 3000 },
		ssh: { host: '0.0.0.0', port: 2222, nativeCrypto: true },
		database: 'PGlite in /srv/data/pglite',
		migrations: { applied: 3, total: 7 },
		noAccountYet: false,
		adminEmails: []
	};

	it('says what runs where, in a few lines', () => {
		expect(formatBanner(facts)).toBe(
			[
				'oCore 1.2.3 is running',
				'  URL         http://localhost:3000  (listening on 0.0.0.0:3000)',
				'  SSH         port 2222 (on 0.0.0.0), native crypto (OpenSSL)',
				'  Database    PGlite in /srv/data/pglite',
				'  Migrations  3 applied, 7 total',
				''
			].join('\n')
		);
	});

	it('says when nothing was applied, when SSH is off or on the JavaScript path, and who becomes admin on an empty database', () => {
		const text = formatBanner({
			...facts,
			listening: { host: '::', port: 3000 },
			ssh: null,
			migrations: { applied: 0, total: 7 },
			noAccountYet: true,
			adminEmails: ['ops@example.com']
		});
		expect(text).toContain('(listening on [::]:3000)');
		expect(text).toContain('  SSH         off (SSH_ENABLED=false)\n');
		expect(text).toContain('  Migrations  up to date, 7 migrations\n');
		expect(text).toContain(
			'  No account yet: the first one to sign up at http://localhost:3000/signup becomes platform admin. ADMIN_EMAILS (ops@example.com) are admins too.\n'
		);
		expect(formatBanner({ ...facts, ssh: { host: '127.0.0.1', port: 2222, nativeCrypto: false } })).toContain('  SSH         port 2222 (on 127.0.0.1), JavaScript crypto');
	});

	it('is bold only when asked (a TTY)', () => {
		expect(formatBanner(facts, { bold: true }).startsWith('\x1b[1moCore 1.2.3 is running\x1b[22m\n')).toBe(true);
		expect(formatBanner(facts)).not.toContain('\x1b');
	});
});
