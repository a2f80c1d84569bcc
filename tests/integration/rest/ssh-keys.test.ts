/**
 * The documented REST contract for SSH keys, over real HTTP against the built server: the README's
 * curl shapes for POST/GET/DELETE /api/user/ssh-keys and POST /api/user/ssh-keys/import-github (the
 * server is pointed at a fake GitHub started by global-setup), the org admins' fingerprint list, every
 * refusal beside each success, and a few hundred fuzzed keys answered 400 without hurting the server.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueEmail } from '../../helpers/app';
import { putFakeGithubKeys } from '../../helpers/fake-github';
import { api, inviteAndAccept, signUpAndLogin } from '../../helpers/http';
import { serverLogUpToNow } from '../../helpers/server-log';
import { uniqueSlug } from '../../helpers/orgs';
import { freshEd25519Line, generateKey, mutateKeyLine, seededRandom, type GeneratedKey } from '../../helpers/ssh-keys';

type Account = Awaited<ReturnType<typeof signUpAndLogin>>;
let alice: Account;
let bob: Account;
let workLaptop: GeneratedKey;
let fuzzBases: string[];

beforeAll(async () => {
	// ssh-keygen blocks this process (an RSA 4096 key takes seconds): make the keys before any request, or a
	// keep-alive socket the server closes meanwhile is reused before the client has noticed ("other side closed").
	fuzzBases = [freshEd25519Line(), generateKey('ecdsa', 256).line, generateKey('rsa', 4096).line];
	workLaptop = generateKey('ed25519', undefined, 'user@workstation');
	[alice, bob] = await Promise.all([signUpAndLogin(uniqueEmail('alice')), signUpAndLogin(uniqueEmail('bob'))]);
});

const unauthorized = { status: 401, body: { error: 'unauthorized', message: 'Sign in to continue' } };
const keyNotFound = { status: 404, body: { error: 'not_found', message: 'SSH key not found' } };
const badRequest = (message: string) => ({ status: 400, body: { error: 'invalid_request', message } });

describe('POST, GET and DELETE /api/user/ssh-keys', () => {
	it('add a key (201 with the view), list it (200, an array) and remove it (204), as the README shows', async () => {
		const token = alice.accessToken;
		// curl -X POST .../api/user/ssh-keys -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -d '{...}'
		const added = await api('POST', '/api/user/ssh-keys', { token, body: { name: 'Work Laptop', publicKey: workLaptop.line } });
		expect(added.status).toBe(201);
		expect(Object.keys(added.body).sort()).toEqual(['bits', 'comment', 'createdAt', 'fingerprint', 'id', 'lastUsedAt', 'name', 'type']);
		expect(added.body).toMatchObject({
			name: 'Work Laptop',
			type: 'ssh-ed25519',
			bits: 256,
			fingerprint: workLaptop.keygenFingerprint,
			comment: 'user@workstation',
			lastUsedAt: null
		});
		expect(new Date(added.body.createdAt).toISOString()).toBe(added.body.createdAt);

		const listed = await api('GET', '/api/user/ssh-keys', { token });
		expect(listed).toMatchObject({ status: 200, body: [added.body] });
		expect(await api('GET', '/api/user/ssh-keys', { token: bob.accessToken })).toMatchObject({ status: 200, body: [] });

		const removed = await api('DELETE', `/api/user/ssh-keys/${added.body.id}`, { token });
		expect(removed.status).toBe(204);
		expect(removed.body).toBeNull();
		expect(await api('GET', '/api/user/ssh-keys', { token })).toMatchObject({ status: 200, body: [] });
		expect(await api('DELETE', `/api/user/ssh-keys/${added.body.id}`, { token })).toMatchObject(keyNotFound);
	});

	it('refuse anonymous callers with 401 on every route', async () => {
		expect(await api('GET', '/api/user/ssh-keys')).toMatchObject(unauthorized);
		expect(await api('POST', '/api/user/ssh-keys', { body: { name: 'x', publicKey: workLaptop.line } })).toMatchObject(unauthorized);
		expect(await api('DELETE', `/api/user/ssh-keys/${crypto.randomUUID()}`)).toMatchObject(unauthorized);
		expect(await api('POST', '/api/user/ssh-keys/import-github', { body: { githubUsername: 'octocat' } })).toMatchObject(unauthorized);
	});

	it('answer a key of another account, an unknown id and a non-UUID id alike: 404, and delete nothing', async () => {
		const key = await api('POST', '/api/user/ssh-keys', { token: bob.accessToken, body: { name: 'Bob', publicKey: freshEd25519Line() } });
		expect(key.status).toBe(201);
		for (const id of [key.body.id, crypto.randomUUID(), 'not-a-uuid']) {
			expect(await api('DELETE', `/api/user/ssh-keys/${id}`, { token: alice.accessToken })).toMatchObject(keyNotFound);
		}
		expect((await api('GET', '/api/user/ssh-keys', { token: bob.accessToken })).body).toHaveLength(1);
		expect((await api('DELETE', `/api/user/ssh-keys/${key.body.id}`, { token: bob.accessToken })).status).toBe(204);
	});

	it('answer the same key twice and a key of another account with 409, never saying whose', async () => {
		const line = freshEd25519Line('dup@host');
		expect((await api('POST', '/api/user/ssh-keys', { token: alice.accessToken, body: { name: 'One', publicKey: line } })).status).toBe(201);
		expect(await api('POST', '/api/user/ssh-keys', { token: alice.accessToken, body: { name: 'Two', publicKey: line } })).toMatchObject({
			status: 409,
			body: { error: 'conflict', message: 'This key is already registered on your account' }
		});
		const other = await api('POST', '/api/user/ssh-keys', { token: bob.accessToken, body: { name: 'Three', publicKey: line } });
		expect(other).toMatchObject({ status: 409, body: { error: 'conflict', message: 'This key is already registered to another account' } });
		expect(JSON.stringify(other.body)).not.toContain(alice.user.email);
	});

	it('refuse bad keys and names with 400 naming the field, and bodies over 64 KiB with 413', async () => {
		const token = alice.accessToken;
		const post = (body: unknown) => api('POST', '/api/user/ssh-keys', { token, body });
		const rsa = generateKey('rsa', 2048);
		expect(await post({ name: 'Old', publicKey: rsa.line })).toMatchObject(badRequest('publicKey: RSA key is 2048 bits; at least 4096 bits are required'));
		expect(await post({ name: '', publicKey: workLaptop.line })).toMatchObject(badRequest('name: Name is required'));
		expect(await post({ name: 'x'.repeat(101), publicKey: workLaptop.line })).toMatchObject(badRequest('name: Name must be at most 100 characters'));
		expect(await post({ name: 'Empty', publicKey: '' })).toMatchObject(badRequest('publicKey: Public key is required'));
		expect(await post({ name: 'Two', publicKey: `${workLaptop.line}\n${rsa.line}` })).toMatchObject(
			badRequest('publicKey: Paste one key at a time; this field holds several keys')
		);
		expect(await post({ name: 'Big', publicKey: `${workLaptop.line} ${'c'.repeat(17 * 1024)}` })).toMatchObject(
			badRequest('publicKey: The key is larger than 16 KiB')
		);
		expect(await post({ name: 'Huge', publicKey: 'a'.repeat(70 * 1024) })).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
		expect(await api('POST', '/api/user/ssh-keys', { token, rawBody: '{"name":' })).toMatchObject(badRequest('Request body is not valid JSON'));
		expect((await api('GET', '/api/user/ssh-keys', { token })).body.map((k: { name: string }) => k.name)).not.toContain('Old');
	});

	it('refuse a pasted private key with 400, and never let it reach the server log', async () => {
		const key = generateKey('ed25519', undefined, 'private-canary@host');
		const privateText = readFileSync(key.privateFile, 'utf8');
		const refused = await api('POST', '/api/user/ssh-keys', { token: alice.accessToken, body: { name: 'Oops', publicKey: privateText } });
		expect(refused).toMatchObject(badRequest('publicKey: This is a private key; paste the public key (the .pub file) instead'));
		const log = await serverLogUpToNow();
		for (const chunk of privateText.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(log).not.toContain(chunk);
	});
});

describe('POST /api/user/ssh-keys/import-github', () => {
	it('adds the valid keys of a GitHub user and lists what was skipped, with reasons (200)', async () => {
		const githubUsername = `octo-${uniqueSlug('gh').slice(3)}`;
		const fresh = freshEd25519Line().split(' ').slice(0, 2).join(' ');
		await putFakeGithubKeys(inject('fakeGithubUrl'), githubUsername, `${fresh}\nssh-dss AAAAB3NzaC1kc3M=\n`);
		// curl -X POST .../api/user/ssh-keys/import-github -H ... -d '{"githubUsername": "your-github-username"}'
		const imported = await api('POST', '/api/user/ssh-keys/import-github', { token: bob.accessToken, body: { githubUsername } });
		expect(imported.status).toBe(200);
		expect(Object.keys(imported.body).sort()).toEqual(['added', 'skipped']);
		expect(imported.body.added).toEqual([expect.objectContaining({ name: `GitHub ${githubUsername} #1`, type: 'ssh-ed25519', comment: null })]);
		expect(imported.body.skipped).toEqual([{ publicKey: 'ssh-dss AAAAB3NzaC1kc3M=', reason: 'The key data is truncated or corrupted' }]);
		const listed = await api('GET', '/api/user/ssh-keys', { token: bob.accessToken });
		expect(listed.body.map((k: { id: string }) => k.id)).toContain(imported.body.added[0].id);

		const again = await api('POST', '/api/user/ssh-keys/import-github', { token: alice.accessToken, body: { githubUsername } });
		expect(again.body.skipped[0]).toMatchObject({ reason: 'This key is already registered to another account' });
	});

	it('answers an unknown GitHub user with 404 and a bad user name with 400', async () => {
		const token = alice.accessToken;
		expect(await api('POST', '/api/user/ssh-keys/import-github', { token, body: { githubUsername: 'nobody-here-42' } })).toMatchObject({
			status: 404,
			body: { error: 'not_found', message: 'GitHub user nobody-here-42 not found' }
		});
		expect(await api('POST', '/api/user/ssh-keys/import-github', { token, body: { githubUsername: '-bad-' } })).toMatchObject(
			badRequest('githubUsername: GitHub username may contain only letters, digits and single hyphens, and cannot start or end with a hyphen')
		);
		expect(await api('POST', '/api/user/ssh-keys/import-github', { token, body: {} })).toMatchObject(badRequest('githubUsername: GitHub username is required'));
	});
});

describe('GET /api/orgs/{orgId}/ssh-keys', () => {
	it('lists members\' key fingerprints for an admin; a Developer gets 403, an outsider 404', async () => {
		const [owner, dev, outsider] = await Promise.all([
			signUpAndLogin(uniqueEmail('org-owner')),
			signUpAndLogin(uniqueEmail('org-dev')),
			signUpAndLogin(uniqueEmail('org-out'))
		]);
		const org = await api('POST', '/api/orgs', { token: owner.accessToken, body: { name: 'Key Org', slug: uniqueSlug('keys') } });
		const member = await inviteAndAccept(org.body.id, owner.accessToken, { token: dev.accessToken, email: dev.user.email }, 'Developer');
		expect(member.status).toBe(200);
		const line = freshEd25519Line('dev-comment@host');
		const key = await api('POST', '/api/user/ssh-keys', { token: dev.accessToken, body: { name: 'Dev key', publicKey: line } });

		const listing = await api('GET', `/api/orgs/${org.body.id}/ssh-keys`, { token: owner.accessToken });
		expect(listing.status).toBe(200);
		expect(listing.body.members).toHaveLength(2);
		expect(listing.body.members.find((m: { userId: string }) => m.userId === dev.user.id)).toEqual({
			userId: dev.user.id,
			email: dev.user.email,
			name: 'Test User',
			keys: [{ id: key.body.id, name: 'Dev key', type: 'ssh-ed25519', bits: 256, fingerprint: key.body.fingerprint, createdAt: key.body.createdAt, lastUsedAt: null }]
		});
		expect(JSON.stringify(listing.body)).not.toContain(line.split(' ')[1]!.slice(0, 30));

		expect(await api('GET', `/api/orgs/${org.body.id}/ssh-keys`, { token: dev.accessToken })).toMatchObject({
			status: 403,
			body: { error: 'forbidden', message: 'Permission denied: view:ssh_keys' }
		});
		expect(await api('GET', `/api/orgs/${org.body.id}/ssh-keys`, { token: outsider.accessToken })).toMatchObject({
			status: 404,
			body: { error: 'not_found', message: 'Organization not found' }
		});
		expect((await api('GET', `/api/orgs/${org.body.id}/ssh-keys`)).status).toBe(401);
	});
});

describe('fuzzed keys over HTTP', () => {
	it('answers 300 corrupted keys with 400 invalid_request JSON, and the server keeps serving', async () => {
		const user = await signUpAndLogin(uniqueEmail('fuzz'));
		const bases = fuzzBases;
		const random = seededRandom(424242);
		const lines = Array.from({ length: 300 }, (_, i) => mutateKeyLine(bases[i % bases.length]!, random).line);
		const unexpected: string[] = [];
		for (let i = 0; i < lines.length; i += 20) {
			const batch = lines.slice(i, i + 20);
			const results = await Promise.all(batch.map((publicKey) => api('POST', '/api/user/ssh-keys', { token: user.accessToken, body: { name: 'Fuzz', publicKey } })));
			results.forEach((res, j) => {
				const ok = res.status === 400 && res.body?.error === 'invalid_request' && String(res.body?.message).startsWith('publicKey: ');
				if (!ok) unexpected.push(`${res.status} ${JSON.stringify(res.body)} for ${batch[j]!.slice(0, 80)}`);
			});
		}
		expect(unexpected).toEqual([]);
		expect((await api('GET', '/api/health')).status).toBe(200);
		expect(await api('GET', '/api/user/ssh-keys', { token: user.accessToken })).toMatchObject({ status: 200, body: [] });
		expect((await api('POST', '/api/user/ssh-keys', { token: user.accessToken, body: { name: 'Fine', publicKey: bases[0] } })).status).toBe(201);
	});
});
