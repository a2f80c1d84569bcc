/**
 * Importing keys from GitHub through the real safe fetcher, against a local HTTP server posing as
 * GitHub (GITHUB_KEYS_BASE_URL=http://127.0.0.1:<port>, FETCH_ALLOW_PRIVATE_HOSTS=127.0.0.1): mixed
 * valid, invalid and duplicate keys; an unknown user; GitHub failing, redirecting or down; and the
 * fetch policy still refusing the loopback host when the operator did not allow it.
 */
import { and, asc, eq } from 'drizzle-orm';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLogs } from '../../../src/lib/server/db/schema';
import { AppError } from '../../../src/lib/server/errors';
import { githubKeysUrl, importGithubKeys } from '../../../src/lib/server/ssh-keys/import-github';
import { addSshKey, listSshKeys } from '../../../src/lib/server/ssh-keys/service';
import { createTestApp, type TestApp } from '../../helpers/app';
import { startFakeGithub, type FakeGithub } from '../../helpers/fake-github';
import { acting, insertUser } from '../../helpers/orgs';
import { freshEd25519Line, generateKey, SK_ECDSA_LINE, type GeneratedKey } from '../../helpers/ssh-keys';
import { randomBytes } from 'node:crypto';

let github: FakeGithub;
let app: TestApp;
let rsa2048: GeneratedKey;
let ecdsa384: GeneratedKey;

const ghUser = () => `octo-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
	github = await startFakeGithub();
	app = await createTestApp({ GITHUB_KEYS_BASE_URL: github.url, FETCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1' });
	rsa2048 = generateKey('rsa', 2048);
	ecdsa384 = generateKey('ecdsa', 384);
});
afterAll(async () => {
	await app?.close();
	await github?.close();
});

async function failure(promise: Promise<unknown>) {
	const err = (await promise.then(
		() => null,
		(e: unknown) => e
	)) as AppError | null;
	expect(err).toBeInstanceOf(AppError);
	return { code: err!.code, message: err!.message };
}

describe('importGithubKeys', () => {
	it('adds every valid key and skips the rest, each with its reason', async () => {
		const [me, someoneElse] = [await insertUser(app, 'importer'), await insertUser(app, 'other')];
		const mine = freshEd25519Line('already@mine');
		const theirs = freshEd25519Line('already@theirs');
		await addSshKey(app, acting(me), { name: 'Existing', publicKey: mine });
		await addSshKey(app, acting(someoneElse), { name: 'Theirs', publicKey: theirs });
		const fresh = freshEd25519Line();
		const username = ghUser();
		// GitHub serves bare `<type> <base64>` lines; a blank line and CRLFs are tolerated.
		const bare = (line: string) => line.split(' ').slice(0, 2).join(' ');
		github.setKeys(
			username,
			[bare(fresh), bare(ecdsa384.line), bare(SK_ECDSA_LINE), bare(rsa2048.line), '', bare(mine), bare(theirs), 'ssh-dss AAAA', 'garbage'].join('\r\n') + '\n'
		);

		const result = await importGithubKeys(app, acting(me), username);
		expect(github.requests).toContain(`/${username}.keys`);
		expect(result.added.map((k) => [k.name, k.type, k.bits, k.comment])).toEqual([
			[`GitHub ${username} #1`, 'ssh-ed25519', 256, null],
			[`GitHub ${username} #2`, 'ecdsa-sha2-nistp384', 384, null],
			[`GitHub ${username} #3`, 'sk-ecdsa-sha2-nistp256@openssh.com', 256, null]
		]);
		expect(result.added[1]!.fingerprint).toBe(ecdsa384.keygenFingerprint);
		const trunc = (line: string) => bare(line).slice(0, 80);
		expect(result.skipped).toEqual([
			// A fingerprint only for keys that parsed (the duplicates); a refused key has none.
			{ publicKey: trunc(rsa2048.line), reason: 'RSA key is 2048 bits; at least 4096 bits are required' },
			{ publicKey: trunc(mine), fingerprint: expect.stringMatching(/^SHA256:/), reason: 'This key is already registered on your account' },
			{ publicKey: trunc(theirs), fingerprint: expect.stringMatching(/^SHA256:/), reason: 'This key is already registered to another account' },
			{ publicKey: 'ssh-dss AAAA', reason: 'The key data is truncated or corrupted' },
			{ publicKey: 'garbage', reason: 'Not an OpenSSH public key; paste one line like "ssh-ed25519 AAAA... you@host" (the .pub file)' }
		]);
		expect(result.skipped[0]!.publicKey).toHaveLength(80);
		expect((await listSshKeys(app, me.id)).map((k) => k.name)).toEqual(['Existing', ...result.added.map((k) => k.name)]);

		const audit = await app.db
			.select()
			.from(auditLogs)
			.where(and(eq(auditLogs.chain, 'account'), eq(auditLogs.actorUserId, me.id)))
			.orderBy(asc(auditLogs.seq));
		expect(audit.map((r) => r.action)).toEqual(['ssh_key.added', 'ssh_key.added', 'ssh_key.added', 'ssh_key.added', 'ssh_key.imported']);
		expect(audit[1]!.metadata).toMatchObject({ source: 'github', githubUsername: username, name: `GitHub ${username} #1` });
		expect(audit[4]!.metadata).toEqual({
			source: 'github',
			githubUsername: username,
			added: 3,
			skipped: 5,
			fingerprints: result.added.map((k) => k.fingerprint)
		});
		expect(JSON.stringify(audit)).not.toContain(fresh.split(' ')[1]!.slice(0, 40));
	});

	it('imports nothing twice: a second import skips every key as already yours', async () => {
		const me = await insertUser(app, 'twice');
		const username = ghUser();
		github.setKeys(username, `${freshEd25519Line()}\n${freshEd25519Line()}\n`);
		expect((await importGithubKeys(app, acting(me), username)).added).toHaveLength(2);
		const again = await importGithubKeys(app, acting(me), username);
		expect(again.added).toEqual([]);
		expect(again.skipped.map((s) => s.reason)).toEqual(Array(2).fill('This key is already registered on your account'));
	});

	it('never echoes a private key line GitHub might serve', async () => {
		const me = await insertUser(app, 'private');
		const username = ghUser();
		github.setKeys(username, `-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n`);
		const result = await importGithubKeys(app, acting(me), username);
		expect(result).toEqual({
			added: [],
			skipped: [{ publicKey: '', reason: 'This is a private key; paste the public key (the .pub file) instead' }]
		});
	});

	it('limits each account to 10 imports a minute, without slowing other accounts', async () => {
		const me = await insertUser(app, 'busy');
		const user = ghUser();
		github.setKeys(user, '');
		for (let i = 0; i < 10; i++) await importGithubKeys(app, acting(me), user);
		const limited = await failure(importGithubKeys(app, acting(me), user));
		expect(limited).toEqual({ code: 'rate_limited', message: 'Too many requests.' });
		const other = await insertUser(app, 'calm');
		await expect(importGithubKeys(app, acting(other), user)).resolves.toEqual({ added: [], skipped: [] });
	});

	it('answers an unknown GitHub user with not_found', async () => {
		const me = await insertUser(app, 'nobody');
		expect(await failure(importGithubKeys(app, acting(me), 'no-such-user-x'))).toEqual({
			code: 'not_found',
			message: 'GitHub user no-such-user-x not found'
		});
	});

	it('answers GitHub failing, or redirecting elsewhere, with bad_gateway and adds nothing', async () => {
		const me = await insertUser(app, 'gh-down');
		const failing = ghUser();
		github.setStatus(failing, 503);
		expect(await failure(importGithubKeys(app, acting(me), failing))).toEqual({
			code: 'bad_gateway',
			message: `GitHub answered 503 for the keys of ${failing}; try again later`
		});
		const redirecting = ghUser();
		github.setStatus(redirecting, 302, 'http://169.254.169.254/latest/meta-data/');
		const host = new URL(github.url).host;
		expect(await failure(importGithubKeys(app, acting(me), redirecting))).toEqual({
			code: 'bad_gateway',
			message: `Could not fetch the GitHub keys of ${redirecting}: Redirects are not followed (${host} answered 302)`
		});
		expect(await listSshKeys(app, me.id)).toEqual([]);
	});

	it('answers GitHub being unreachable with bad_gateway', async () => {
		const port = await new Promise<number>((resolve) => {
			const srv = createServer().listen(0, '127.0.0.1', () => {
				const { port } = srv.address() as { port: number };
				srv.close(() => resolve(port));
			});
		});
		const down = await createTestApp({ GITHUB_KEYS_BASE_URL: `http://127.0.0.1:${port}`, FETCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1' });
		try {
			const me = await insertUser(down, 'unreachable');
			expect(await failure(importGithubKeys(down, acting(me), 'octocat'))).toEqual({
				code: 'bad_gateway',
				message: `Could not fetch the GitHub keys of octocat: Cannot connect to 127.0.0.1:${port}: connection refused`
			});
		} finally {
			await down.close();
		}
	});

	it('still refuses a loopback GitHub when the operator did not allow that host (the SSRF guard is on)', async () => {
		const guarded = await createTestApp({ GITHUB_KEYS_BASE_URL: github.url });
		try {
			const me = await insertUser(guarded, 'guarded');
			const username = ghUser();
			github.setKeys(username, freshEd25519Line());
			const before = github.requests.length;
			expect(await failure(importGithubKeys(guarded, acting(me), username))).toEqual({
				code: 'bad_gateway',
				message: `Could not fetch the GitHub keys of ${username}: Refusing to connect to 127.0.0.1: a loopback address`
			});
			expect(github.requests.length).toBe(before);
		} finally {
			await guarded.close();
		}
	});

	it('refuses an invalid GitHub user name before fetching anything', async () => {
		const me = await insertUser(app, 'badname');
		const before = github.requests.length;
		expect(await failure(importGithubKeys(app, acting(me), '../admin'))).toEqual({
			code: 'invalid_request',
			message: 'githubUsername: Invalid GitHub username'
		});
		expect(github.requests.length).toBe(before);
	});
});

describe('githubKeysUrl', () => {
	it('appends /<user>.keys to the base, keeping a path prefix and dropping query and fragment', () => {
		expect(githubKeysUrl(new URL('https://github.com'), 'octocat').href).toBe('https://github.com/octocat.keys');
		expect(githubKeysUrl(new URL('https://ghe.example.com/prefix/'), 'a-b').href).toBe('https://ghe.example.com/prefix/a-b.keys');
		expect(githubKeysUrl(new URL('https://ghe.example.com/x?y=1#z'), 'u').href).toBe('https://ghe.example.com/x/u.keys');
	});
});
