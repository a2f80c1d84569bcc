/**
 * The `ocore` CLI end to end: the real bin as a subprocess against the built server, with keys made
 * by the real ssh-keygen. Asserts exact stdout, stderr and exit codes, with a failure beside each
 * success. Accounts are created through the REST helper (its own client address); the CLI itself
 * signs in only twice, since its requests count against 127.0.0.1's sign-in limit.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueEmail } from '../../helpers/app';
import { ensureTestImage, removeTestContainers, requireDocker, startTestContainer } from '../../helpers/docker';
import { putFakeGithubKeys } from '../../helpers/fake-github';
import { api, baseUrl } from '../../helpers/http';
import { uniqueSlug } from '../../helpers/orgs';
import { generateKey } from '../../helpers/ssh-keys';

const BIN = path.resolve('bin/ocore.mjs');
const password = 'correct horse 42';

type Run = { code: number | null; stdout: string; stderr: string };

function ocore(args: string[], options: { configDir: string; stdin?: string; env?: Record<string, string> }): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [BIN, ...args], {
			cwd: tmpdir(), // anywhere but the repository: the bin must not depend on the working folder
			env: { ...process.env, OCORE_CONFIG_DIR: options.configDir, ...options.env },
			stdio: ['pipe', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('exit', (code) => resolve({ code, stdout, stderr }));
		child.stdin.end(options.stdin ?? '');
	});
}

const tempDir = (prefix = 'ocore-cli-') => mkdtempSync(path.join(tmpdir(), prefix));

async function closedPort(): Promise<number> {
	return new Promise((resolve) => {
		const srv = createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => resolve(port));
		});
	});
}

function stored(configDir: string) {
	return JSON.parse(readFileSync(path.join(configDir, 'credentials.json'), 'utf8')) as Record<string, string>;
}

function storeTampered(configDir: string, patch: Record<string, string>) {
	writeFileSync(path.join(configDir, 'credentials.json'), JSON.stringify({ ...stored(configDir), ...patch }), { mode: 0o600 });
}

/** A folder for PATH holding an `ssh` that answers `ssh -V` with the given banner (none: no ssh at all). */
function pathWithSsh(banner?: string): string {
	const dir = tempDir('ocore-fake-ssh-');
	if (banner !== undefined) {
		writeFileSync(path.join(dir, 'ssh'), `#!/bin/sh\necho '${banner}' >&2\n`);
		chmodSync(path.join(dir, 'ssh'), 0o755);
	}
	return dir;
}
const OPENSSH_9_2 = 'OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15 3 Sep 2024';
const OPENSSH_10_0 = 'OpenSSH_10.0p2 Debian-5, OpenSSL 3.5.0 8 Apr 2025';

const NOT_LOGGED_IN = 'ocore: Not logged in: run `ocore login --url https://host --email you@example.com`\n';

describe('ocore CLI against the running server', () => {
	const email = uniqueEmail('cli');
	const configDir = path.join(tempDir(), 'nested', 'ocore');
	const keyDir = tempDir('ocore-cli-keys-');

	beforeAll(async () => {
		const signup = await api('POST', '/api/auth/signup', { body: { email, password, name: 'CLI User' } });
		expect(signup.status).toBe(201);
	});

	it('prints help (exit 0) and refuses unknown commands and options (exit 2)', async () => {
		const help = await ocore(['--help'], { configDir: tempDir() });
		expect(help).toMatchObject({ code: 0, stderr: '' });
		expect(help.stdout).toContain('ocore ssh-key add --name "Work Laptop" --key-file ~/.ssh/id_ed25519.pub');
		const addHelp = await ocore(['ssh-key', 'add', '--help'], { configDir: tempDir() });
		expect(addHelp.code).toBe(0);
		expect(addHelp.stdout).toMatch(/^Usage: ocore ssh-key add --name/);
		const unknown = await ocore(['frobnicate'], { configDir: tempDir() });
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(/^ocore: Unknown command: frobnicate\n/);
		const badOption = await ocore(['ssh-key', 'list', '--colour'], { configDir: tempDir() });
		expect(badOption.code).toBe(2);
		expect(badOption.stderr).toMatch(/^ocore: Unknown option '--colour'/);
		const missing = await ocore(['login', '--url', baseUrl()], { configDir: tempDir() });
		expect(missing.code).toBe(2);
		expect(missing.stderr).toMatch(/^ocore: Missing --email\n/);
	});

	it('says "not logged in" with exit 3 before any login', async () => {
		for (const args of [['ssh-key', 'list'], ['ssh-key', 'rm', randomUUID()], ['logout'], ['ssh-config']]) {
			const r = await ocore(args, { configDir: tempDir() });
			expect(r.code, args.join(' ')).toBe(3);
			expect(r.stdout).toBe('');
		}
		expect((await ocore(['ssh-key', 'list', '--json'], { configDir: tempDir() })).stderr).toBe(NOT_LOGGED_IN);
	});

	it('refuses a wrong password with the server message (exit 1) and stores nothing', async () => {
		const dir = tempDir();
		const r = await ocore(['login', '--url', baseUrl(), '--email', email], { configDir: dir, stdin: 'not the password\n' });
		expect(r).toEqual({ code: 1, stdout: '', stderr: 'ocore: Invalid email or password\n' });
		expect(existsSync(path.join(dir, 'credentials.json'))).toBe(false);
	});

	it('logs in with the password on stdin; the credentials file is 0600 in a 0700 folder, without the password', async () => {
		const r = await ocore(['login', '--url', `${baseUrl()}/`, '--email', email.toUpperCase()], { configDir, stdin: `${password}\n` });
		expect(r.code, r.stderr).toBe(0);
		expect(r.stdout).toBe(`Logged in to ${baseUrl()} as ${email}.\n`);
		const file = path.join(configDir, 'credentials.json');
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(statSync(configDir).mode & 0o777).toBe(0o700);
		const text = readFileSync(file, 'utf8');
		expect(text).not.toContain(password);
		expect(Object.keys(JSON.parse(text)).sort()).toEqual(['accessToken', 'email', 'refreshToken', 'url']);
		expect(JSON.parse(text)).toMatchObject({ url: baseUrl(), email });
	});

	let edKeyId = '';
	let ecdsaKeyId = '';

	it('adds a key made by ssh-keygen and prints the fingerprint ssh-keygen -lf prints', async () => {
		const key = generateKey('ed25519', undefined, 'cli@workstation');
		const r = await ocore(['ssh-key', 'add', '--name', 'Work Laptop', '--key-file', key.pubFile], { configDir });
		expect(r.code, r.stderr).toBe(0);
		const [first, fingerprint, idLine] = r.stdout.trimEnd().split('\n');
		expect(first).toBe('Added SSH key "Work Laptop" (ssh-ed25519, 256 bits)');
		expect(fingerprint).toBe(key.keygenFingerprint);
		edKeyId = idLine!.replace(/^ID: /, '');

		const ecdsa = generateKey('ecdsa', 256);
		const json = await ocore(['ssh-key', 'add', '--name', 'Desktop PC', '--key-file', ecdsa.pubFile, '--json'], { configDir });
		expect(json.code, json.stderr).toBe(0);
		const body = JSON.parse(json.stdout);
		expect(body).toMatchObject({ name: 'Desktop PC', type: 'ecdsa-sha2-nistp256', bits: 256, fingerprint: ecdsa.keygenFingerprint, lastUsedAt: null });
		ecdsaKeyId = body.id;

		const again = await ocore(['ssh-key', 'add', '--name', 'Again', '--key-file', key.pubFile], { configDir });
		expect(again).toMatchObject({ code: 1, stdout: '', stderr: 'ocore: This key is already registered on your account\n' });
	});

	it('refuses a missing key file and a private key (exit 2, names the path) without sending anything', async () => {
		const missing = path.join(keyDir, 'nope.pub');
		const r = await ocore(['ssh-key', 'add', '--name', 'X', '--key-file', missing], { configDir });
		expect(r).toEqual({ code: 2, stdout: '', stderr: `ocore: Key file not found: ${missing}\n` });
		const key = generateKey('ed25519');
		const priv = await ocore(['ssh-key', 'add', '--name', 'Oops', '--key-file', key.privateFile], { configDir });
		expect(priv.code).toBe(2);
		expect(priv.stderr).toBe(`ocore: ${key.privateFile} is a private key; it was not sent. Pass the public key instead (usually ${key.privateFile}.pub)\n`);
		const dir = await ocore(['ssh-key', 'add', '--name', 'Dir', '--key-file', keyDir], { configDir });
		expect(dir).toEqual({ code: 2, stdout: '', stderr: `ocore: Key file ${keyDir} is not a file\n` });
		const list = JSON.parse((await ocore(['ssh-key', 'list', '--json'], { configDir })).stdout) as Array<{ name: string }>;
		expect(list.map((k) => k.name).sort()).toEqual(['Desktop PC', 'Work Laptop']);
	});

	it('lists keys as a table and as JSON', async () => {
		const table = await ocore(['ssh-key', 'list'], { configDir });
		expect(table.code, table.stderr).toBe(0);
		const lines = table.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^ID +NAME +TYPE +BITS +FINGERPRINT +ADDED +LAST USED$/);
		expect(lines).toHaveLength(3);
		const today = new Date().toISOString().slice(0, 10);
		const edRow = lines.find((l) => l.startsWith(edKeyId))!;
		expect(edRow.split(/ {2,}/)).toEqual([edKeyId, 'Work Laptop', 'ssh-ed25519', '256', expect.stringMatching(/^SHA256:/), today, 'never']);

		const json = await ocore(['ssh-key', 'list', '--json'], { configDir });
		expect(json.code).toBe(0);
		const keys = JSON.parse(json.stdout) as Array<{ id: string; name: string }>;
		expect(keys.map((k) => k.id).sort()).toEqual([edKeyId, ecdsaKeyId].sort());
	});

	it('removes a key, and says "SSH key not found" (exit 1) for an unknown one', async () => {
		const rm = await ocore(['ssh-key', 'rm', ecdsaKeyId], { configDir });
		expect(rm).toEqual({ code: 0, stdout: `Removed SSH key ${ecdsaKeyId}.\n`, stderr: '' });
		const again = await ocore(['ssh-key', 'rm', ecdsaKeyId, '--json'], { configDir });
		expect(again).toEqual({ code: 1, stdout: '', stderr: 'ocore: SSH key not found\n' });
		const unknown = await ocore(['ssh-key', 'rm', randomUUID()], { configDir });
		expect(unknown).toMatchObject({ code: 1, stderr: 'ocore: SSH key not found\n' });
		const noId = await ocore(['ssh-key', 'rm'], { configDir });
		expect(noId.code).toBe(2);
		const list = JSON.parse((await ocore(['ssh-key', 'list', '--json'], { configDir })).stdout) as Array<{ id: string }>;
		expect(list.map((k) => k.id)).toEqual([edKeyId]);
	});

	it('imports keys from the fake GitHub and reports what was added and skipped', async () => {
		const fakeGithubUrl = inject('fakeGithubUrl');
		const user = `cli-${randomUUID().slice(0, 8)}`;
		const good = generateKey('ed25519');
		await putFakeGithubKeys(fakeGithubUrl, user, `${good.line}\nssh-dss AAAAB3NzaC1kc3MAAACBAP\n`);
		const r = await ocore(['ssh-key', 'import-github', user], { configDir });
		expect(r.code, r.stderr).toBe(0);
		const lines = r.stdout.trimEnd().split('\n');
		expect(lines[0]).toBe(`Added 1 key(s) from GitHub user ${user}.`);
		expect(lines[1]).toBe(`  + ${good.keygenFingerprint}  ssh-ed25519 256  GitHub ${user} #1`);
		expect(lines[2]).toBe('Skipped 1:');
		expect(lines[3]).toMatch(/^ {2}- ssh-dss AAAA.*: .+/);

		const json = await ocore(['ssh-key', 'import-github', user, '--json'], { configDir });
		expect(json.code).toBe(0);
		const body = JSON.parse(json.stdout);
		expect(body.added).toEqual([]);
		expect(body.skipped).toHaveLength(2);
		expect(body.skipped[0]).toMatchObject({ fingerprint: good.keygenFingerprint, reason: 'This key is already registered on your account' });

		const unknown = await ocore(['ssh-key', 'import-github', `nobody-${randomUUID().slice(0, 8)}`], { configDir });
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toMatch(/^ocore: GitHub user nobody-\w+ not found\n$/);
	});

	it('serves GET /api/ssh/client-config from the configuration, without authentication', async () => {
		const server = await api('GET', '/api/ssh/client-config');
		expect(server.status).toBe(200);
		expect(Object.keys(server.body).sort()).toEqual(['host', 'port', 'usernamePrefix']);
		// The test server leaves SSH_PUBLIC_HOST and SSH_USERNAME_PREFIX at their defaults.
		expect(server.body).toMatchObject({ host: new URL(baseUrl()).hostname, usernamePrefix: 'ocore-' });
		expect(Number.isInteger(server.body.port)).toBe(true);
	});

	it('prints the ~/.ssh/config block of the server, exactly', async () => {
		const server = (await api('GET', '/api/ssh/client-config')).body as { host: string; port: number; usernamePrefix: string };
		const block = (c: typeof server, identity = '~/.ssh/id_ed25519') =>
			`Host ${c.usernamePrefix}*\n  HostName ${c.host}\n  Port ${c.port}\n  User %n\n  IdentityFile ${identity}\n`;
		expect(server.port).toBeGreaterThan(0);
		// An ssh that expands %n in User (OpenSSH 10.0 or later) gets the short block.
		const modern = { PATH: pathWithSsh(OPENSSH_10_0) };
		expect(await ocore(['ssh-config'], { configDir, env: modern })).toEqual({ code: 0, stdout: block(server), stderr: '' });

		// The documentation's own values, served by a stand-in for a production server.
		const documented = { host: 'ocore.example.com', port: 2222, usernamePrefix: 'ocore-' };
		const standIn = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(documented)));
		await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
		const standInUrl = `http://127.0.0.1:${(standIn.address() as { port: number }).port}`;
		try {
			const byUrl = await ocore(['ssh-config', '--url', standInUrl], { configDir: tempDir(), env: modern });
			expect(byUrl).toEqual({
				code: 0,
				stdout: 'Host ocore-*\n  HostName ocore.example.com\n  Port 2222\n  User %n\n  IdentityFile ~/.ssh/id_ed25519\n',
				stderr: ''
			});
			const other = await ocore(['ssh-config', '--url', standInUrl, '--identity-file', '~/.ssh/work_ed25519'], { configDir: tempDir(), env: modern });
			expect(other.stdout).toBe(block(documented, '~/.ssh/work_ed25519'));
			const json = await ocore(['ssh-config', '--url', standInUrl, '--json'], { configDir: tempDir(), env: modern });
			expect(JSON.parse(json.stdout)).toEqual({ ...documented, form: 'wildcard', config: block(documented) });
			// --wildcard prints the short block whatever the local ssh, even without a login.
			const forced = await ocore(['ssh-config', '--url', standInUrl, '--wildcard'], { configDir: tempDir(), env: { PATH: pathWithSsh(OPENSSH_9_2) } });
			expect(forced).toEqual({ code: 0, stdout: block(documented), stderr: '' });
			// An older ssh needs the instances, which needs a login to that server.
			const needsLogin = await ocore(['ssh-config', '--url', standInUrl], { configDir: tempDir(), env: { PATH: pathWithSsh(OPENSSH_9_2) } });
			expect(needsLogin).toEqual({
				code: 3,
				stdout: '',
				stderr: `ocore: Listing the instances you can reach needs a login to ${standInUrl} (or pass --wildcard): run \`ocore login --url https://host --email you@example.com\`\n`
			});
		} finally {
			await new Promise((resolve) => standIn.close(resolve));
		}
	});

	it('refreshes an expired access token transparently and saves the rotated pair', async () => {
		const before = stored(configDir);
		storeTampered(configDir, { accessToken: 'garbage.token.value' });
		const r = await ocore(['ssh-key', 'list', '--json'], { configDir });
		expect(r.code, r.stderr).toBe(0);
		expect(JSON.parse(r.stdout).map((k: { id: string }) => k.id)).toContain(edKeyId);
		const after = stored(configDir);
		expect(after.accessToken).not.toBe('garbage.token.value');
		expect(after.refreshToken).not.toBe(before.refreshToken);
		expect(statSync(path.join(configDir, 'credentials.json')).mode & 0o777).toBe(0o600);
		expect((await api('GET', '/api/user/me', { token: after.accessToken })).status).toBe(200);
	});

	it('lets parallel ocore processes share one refresh instead of replaying the old refresh token', async () => {
		storeTampered(configDir, { accessToken: 'garbage.token.value' });
		const runs = await Promise.all(Array.from({ length: 4 }, () => ocore(['ssh-key', 'list', '--json'], { configDir })));
		for (const r of runs) expect(r.code, r.stderr).toBe(0);
		const after = stored(configDir);
		expect((await api('GET', '/api/user/me', { token: after.accessToken })).status).toBe(200);
		expect(existsSync(path.join(configDir, 'credentials.lock'))).toBe(false);
	});

	it('answers exit 3 when the session cannot be refreshed', async () => {
		const dir = tempDir();
		writeFileSync(path.join(dir, 'credentials.json'), JSON.stringify({ url: baseUrl(), email, accessToken: 'x.y.z', refreshToken: 'not-a-token' }));
		const r = await ocore(['ssh-key', 'list'], { configDir: dir });
		expect(r).toEqual({ code: 3, stdout: '', stderr: 'ocore: Your session has ended: run `ocore login --url https://host --email you@example.com`\n' });
	});

	it('reports an unreachable server with exit 4 and its URL', async () => {
		const down = `http://127.0.0.1:${await closedPort()}`;
		const r = await ocore(['ssh-config', '--url', down], { configDir: tempDir() });
		expect(r.code).toBe(4);
		expect(r.stderr).toBe(`ocore: Cannot reach the oCore server at ${down} (ECONNREFUSED)\n`);
		const dir = tempDir();
		writeFileSync(path.join(dir, 'credentials.json'), JSON.stringify({ ...stored(configDir), url: down }));
		const list = await ocore(['ssh-key', 'list'], { configDir: dir });
		expect(list).toMatchObject({ code: 4, stdout: '' });
		const logout = await ocore(['logout'], { configDir: dir });
		expect(logout.code).toBe(4);
		expect(existsSync(path.join(dir, 'credentials.json'))).toBe(true);
	});

	it('prompts for the password on a terminal without echoing it', async () => {
		// `script` gives the CLI a real pseudo-terminal; the server is a closed port, so no sign-in is spent.
		const down = `http://127.0.0.1:${await closedPort()}`;
		const command = [process.execPath, BIN, 'login', '--url', down, '--email', email].map((a) => `'${a}'`).join(' ');
		const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, OCORE_CONFIG_DIR: tempDir() } });
		let output = '';
		child.stdout.on('data', (d) => {
			output += d;
			if (output.includes(`Password for ${email}: `) && !child.stdin.writableEnded) child.stdin.end('typed-secret-42\r');
		});
		const code = await new Promise((resolve) => child.on('exit', resolve));
		expect(output).toContain(`Password for ${email}: `);
		expect(output).toContain(`ocore: Cannot reach the oCore server at ${down} (ECONNREFUSED)`);
		expect(output).not.toContain('typed-secret-42');
		expect(code).toBe(4);
	});

	it('logs out: the file is gone and the token no longer works', async () => {
		const { accessToken } = stored(configDir);
		const r = await ocore(['logout'], { configDir });
		expect(r).toEqual({ code: 0, stdout: `Logged out of ${baseUrl()}.\n`, stderr: '' });
		expect(existsSync(path.join(configDir, 'credentials.json'))).toBe(false);
		expect((await api('GET', '/api/user/me', { token: accessToken })).status).toBe(401);
		const again = await ocore(['logout'], { configDir });
		expect(again).toEqual({ code: 3, stdout: '', stderr: NOT_LOGGED_IN });
	});
});

const hasDocker = await requireDocker('ocore ssh-config per-instance tests');

describe.skipIf(!hasDocker)('ocore ssh-config for an ssh that does not expand %n in User', () => {
	/** ADMIN_EMAILS of the test server (global-setup) makes this account a platform admin: it may register the local socket. */
	const ADMIN_EMAIL = 'admin@integration.test';
	const ADMIN_PASSWORD = 'integration admin 42';
	const configDir = tempDir();
	const slugs = [uniqueSlug('cli-b'), uniqueSlug('cli-a')];
	let sshPort = 0;

	afterAll(() => removeTestContainers());

	beforeAll(async () => {
		await ensureTestImage();
		// The account may exist already (another suite, an earlier run against the same database).
		const signup = await api('POST', '/api/auth/signup', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, name: 'Admin' } });
		expect([201, 409]).toContain(signup.status);
		const login = await api('POST', '/api/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
		expect(login.status).toBe(200);
		const token = login.body.accessToken as string;
		// The CLI's stored session, written as `ocore login` writes it (its sign-ins count against 127.0.0.1's limit).
		writeFileSync(path.join(configDir, 'credentials.json'), JSON.stringify({ url: baseUrl(), email: ADMIN_EMAIL, accessToken: token, refreshToken: login.body.refreshToken }), { mode: 0o600 });
		const org = await api('POST', '/api/orgs', { token, body: { name: 'CLI ssh-config', slug: uniqueSlug('cli-org') } });
		expect(org.status).toBe(201);
		const server = await api('POST', '/api/servers', { token, body: { orgId: org.body.id, name: 'local', kind: 'socket', endpoint: '/var/run/docker.sock' } });
		expect(server.status).toBe(201);
		for (const slug of slugs) {
			// Containers on the shared local engine are bound only by the org they are labelled for.
			const container = await startTestContainer(`ocore-cli-${slug}`, { org: org.body.id });
			const created = await api('POST', '/api/instances', { token, body: { orgId: org.body.id, serverId: server.body.id, slug, name: slug, container: container.name } });
			expect(created.status, JSON.stringify(created.body)).toBe(201);
		}
		sshPort = (await api('GET', '/api/ssh/client-config')).body.port;
	});

	const blockFor = (slug: string) => `Host ocore-${slug}\n  HostName 127.0.0.1\n  Port ${sshPort}\n  User ${slug}\n  IdentityFile ~/.ssh/id_ed25519\n`;

	it('prints one block per instance the user can reach, under comments saying why and how to refresh', async () => {
		const r = await ocore(['ssh-config'], { configDir, env: { PATH: pathWithSsh(OPENSSH_9_2) } });
		expect(r.code, r.stderr).toBe(0);
		expect(r.stderr).toBe('');
		expect(r.stdout.split('\n').slice(0, 3)).toEqual([
			`# oCore SSH gateway 127.0.0.1 port ${sshPort}: one block per instance you can reach.`,
			'# Your ssh (OpenSSH 9.2p1) does not expand %n in User (OpenSSH 10.0 and later do), so a wildcard Host block cannot name the instance.',
			'# Access changes: run `ocore ssh-config` again and replace these blocks with its output.'
		]);
		for (const slug of slugs) expect(r.stdout).toContain(blockFor(slug));
		// Exactly the instances the REST API lists for this user, nothing more.
		const listed = (await ocore(['ssh-config', '--json'], { configDir, env: { PATH: pathWithSsh(OPENSSH_9_2) } })).stdout;
		const json = JSON.parse(listed) as { form: string; instances: string[]; config: string };
		expect(json.form).toBe('per-instance');
		expect(json.instances).toEqual(expect.arrayContaining(slugs));
		expect(json.config.match(/^Host /gm)).toHaveLength(new Set(json.instances).size);
		expect(r.stdout).not.toContain('%n\n');
	});

	it('says so when there is no ssh on PATH, and prints the per-instance form', async () => {
		const r = await ocore(['ssh-config'], { configDir, env: { PATH: pathWithSsh() } });
		expect(r.code).toBe(0);
		expect(r.stderr).toBe('ocore: no ssh found on your PATH; printing one block per instance, which every OpenSSH understands.\n');
		expect(r.stdout).toContain('# No ssh was found on your PATH; these blocks work with every OpenSSH (the short form needs OpenSSH 10.0 or later).\n');
		for (const slug of slugs) expect(r.stdout).toContain(blockFor(slug));
	});

	it('gives a config the real local ssh resolves to the instance as the user name', async () => {
		// This machine's own OpenSSH (Debian 12: 9.2) reads the printed config; -G resolves it without connecting.
		const printed = await ocore(['ssh-config'], { configDir });
		expect(printed.code, printed.stderr).toBe(0);
		const file = path.join(tempDir(), 'config');
		writeFileSync(file, printed.stdout);
		const resolved = await new Promise<string>((resolve, reject) => {
			const child = spawn('ssh', ['-G', '-F', file, `ocore-${slugs[0]}`]);
			let out = '';
			child.stdout.on('data', (d) => (out += d));
			child.on('error', reject);
			child.on('exit', () => resolve(out));
		});
		const settings = Object.fromEntries(resolved.split('\n').map((line) => [line.split(' ')[0], line.slice(line.indexOf(' ') + 1)]));
		expect(settings).toMatchObject({ hostname: '127.0.0.1', port: String(sshPort) });
		// OpenSSH before 10.0 gets `User <slug>`; 10.0 and later expand `User %n` to the host alias, whose prefix the gateway strips.
		expect([slugs[0], `ocore-${slugs[0]}`]).toContain(settings.user);
	});
});
