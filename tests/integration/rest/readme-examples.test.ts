/**
 * The README's curl examples are a public contract: this runs every `sh` block of its "REST API"
 * section, in order, as one bash script against the real server on a fresh install (a database of
 * its own, the default sign-in limits, no proxy, no ADMIN_EMAILS: the first account is the platform
 * admin, as the README says), so no other suite shares its address's rate-limit budget. Only the
 * host and the example emails/slug are substituted. curl gets --fail-with-body, so any non-2xx
 * answer fails the script.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueSuffix } from '../../helpers/app';
import { freshDatabase, type FreshDatabase } from '../../helpers/fresh-database';
import { startOcoreProcess, type OcoreProcess } from '../../helpers/ocore-process';

function restApiScript(): string {
	const readme = readFileSync('README.md', 'utf8');
	const section = readme.slice(readme.indexOf('## REST API'), readme.indexOf('## Security model'));
	const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
	if (blocks.length < 4) throw new Error(`expected the README's REST API section to have sh blocks, found ${blocks.length}`);
	return blocks.join('\n');
}

let server: OcoreProcess;
let database: FreshDatabase;

beforeAll(async () => {
	database = await freshDatabase();
	server = await startOcoreProcess(
		{
			...(database.url ? { DATABASE_URL: database.url } : {}),
			AUTH_RATE_LIMIT_PER_MINUTE: '5',
			TRUSTED_PROXY_HOPS: '0',
			GITHUB_KEYS_BASE_URL: inject('fakeGithubUrl'),
			FETCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1'
		},
		{ unsetEnv: database.url ? [] : ['DATABASE_URL'] }
	);
}, 180_000);
afterAll(async () => {
	await server?.stop();
	await database?.drop();
});

describe('README curl examples', () => {
	it('run as written against a fresh install', async () => {
		const suffix = uniqueSuffix();
		// The fake GitHub of the test server answers for this user with one fresh key.
		const githubUser = `readme-${suffix}`.replaceAll('-', '').slice(0, 39);
		const dir = mkdtempSync(path.join(tmpdir(), 'ocore-readme-gh-'));
		spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'gh', '-f', path.join(dir, 'k')]);
		const put = await fetch(`${inject('fakeGithubUrl')}/${githubUser}.keys`, { method: 'PUT', body: readFileSync(path.join(dir, 'k.pub'), 'utf8') });
		expect(put.status).toBe(204);
		const script = restApiScript()
			.replaceAll('http://localhost:3000', server.baseUrl)
			.replaceAll('colleague@example.com', `colleague-${suffix}@example.test`)
			.replaceAll('acme-hosting', `acme-${suffix}`)
			.replaceAll('your-github-username', githubUser);
		const prelude = 'set -euo pipefail\ncurl() { command curl --fail-with-body --show-error "$@"; echo; }\n';
		const r = spawnSync('bash', ['-c', prelude + script], { cwd: mkdtempSync(path.join(tmpdir(), 'ocore-readme-')), encoding: 'utf8', timeout: 60_000 });
		expect(r.stderr, r.stdout).toBe('');
		expect(r.status).toBe(0);
		expect(r.stdout).toContain('"revoked":0');
		expect(r.stdout).toContain('"endedSessions":0');
		expect(r.stdout).toContain('If an account exists for that email, a reset link is on its way.');
		expect(r.stdout).toContain('Password changed. Sign in with your new password.');
		expect(r.stdout).toContain('"action":"member.joined"');
		expect(r.stdout).toContain('"status":"pending"');
		expect(r.stdout).toContain('"role":"Developer"');
		expect(r.stdout).toMatch(/"fingerprint":"SHA256:[A-Za-z0-9+/]{43}"/);
		expect(r.stdout).toMatch(/"added":\[\{"id":/);
		expect(r.stdout).toContain('"name":"Web shop","createdAt"');
		expect(r.stdout).toMatch(/"name":"staging","instanceCount":0/);
	});
});
