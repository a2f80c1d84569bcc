/**
 * The sshKeys router through createCaller: own keys for any signed-in user (no org needed), input
 * validation shared with REST, error mapping (CONFLICT, NOT_FOUND, BAD_GATEWAY), and the org admins'
 * view of members' fingerprints behind `view:ssh_keys`, which only Admin (and owners) hold.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES } from '../../../src/lib/server/orgs/permissions';
import { appRouter } from '../../../src/lib/server/trpc/root';
import { createTestApp, type TestApp } from '../../helpers/app';
import { acting, callerAs, insertUser, joinOrg, orgWithOwner } from '../../helpers/orgs';
import { freshEd25519Line, SK_ED25519_LINE } from '../../helpers/ssh-keys';

let app: TestApp;
let closedPort: number;
beforeAll(async () => {
	closedPort = await new Promise<number>((resolve) => {
		const srv = createServer().listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => resolve(port));
		});
	});
	app = await createTestApp({ GITHUB_KEYS_BASE_URL: `http://127.0.0.1:${closedPort}`, FETCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1' });
});
afterAll(() => app.close());

const errorOf = (p: Promise<unknown>) =>
	p.then(
		() => null,
		(e: { code: string; message: string; cause?: { issues?: { message: string; path: unknown[] }[] } }) => ({
			code: e.code,
			message: e.cause?.issues ? `${e.cause.issues[0]!.path.join('.')}: ${e.cause.issues[0]!.message}` : e.message
		})
	);

describe('declared permissions', () => {
	it('own keys need only a signed-in user; the org view needs view:ssh_keys', () => {
		const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: unknown } }>;
		const declared = Object.fromEntries(
			Object.entries(procedures)
				.filter(([path]) => path.startsWith('sshKeys.'))
				.map(([path, p]) => [path, p._def.meta ?? null])
		);
		expect(declared).toEqual({
			'sshKeys.list': null,
			'sshKeys.add': null,
			'sshKeys.delete': null,
			'sshKeys.importGithub': null,
			'sshKeys.orgMemberKeys': { permission: 'view:ssh_keys' }
		});
	});

	it('gives view:ssh_keys and manage:ssh_keys to Admin only among the built-in roles', () => {
		expect(BUILT_IN_ROLES.Admin).toEqual(expect.arrayContaining(['view:ssh_keys', 'manage:ssh_keys']));
		expect(BUILT_IN_ROLES.Developer).toEqual(['view:instances', 'manage:instances', 'view:members']);
		expect(BUILT_IN_ROLES.Viewer).toEqual(['view:instances', 'view:members']);
	});
});

describe('own keys', () => {
	it('a user in no org adds, lists and deletes keys; anonymous callers are refused', async () => {
		const user = await insertUser(app, 'loner');
		const caller = callerAs(app, user);
		const key = await caller.sshKeys.add({ name: '  YubiKey  ', publicKey: SK_ED25519_LINE });
		expect(key).toMatchObject({ name: 'YubiKey', type: 'sk-ssh-ed25519@openssh.com', bits: 256, comment: 'yubi@host' });
		expect(await caller.sshKeys.list()).toEqual([key]);
		expect(await errorOf(caller.sshKeys.add({ name: 'Again', publicKey: SK_ED25519_LINE }))).toEqual({
			code: 'CONFLICT',
			message: 'This key is already registered on your account'
		});
		expect(await errorOf(callerAs(app, await insertUser(app, 'thief')).sshKeys.add({ name: 'Mine?', publicKey: SK_ED25519_LINE }))).toEqual({
			code: 'CONFLICT',
			message: 'This key is already registered to another account'
		});
		await caller.sshKeys.delete({ keyId: key.id });
		expect(await caller.sshKeys.list()).toEqual([]);
		expect(await errorOf(caller.sshKeys.delete({ keyId: key.id }))).toEqual({ code: 'NOT_FOUND', message: 'SSH key not found' });
		expect(await errorOf(callerAs(app, null).sshKeys.list())).toEqual({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
	});

	it.each([
		[{ name: '', publicKey: 'x' }, 'name: Name is required'],
		[{ name: '   ', publicKey: 'x' }, 'name: Name is required'],
		[{ name: 'n'.repeat(101), publicKey: 'x' }, 'name: Name must be at most 100 characters'],
		[{ name: 'tab\tname', publicKey: 'x' }, 'name: Name must not contain control characters'],
		[{ name: 'Laptop' }, 'publicKey: Public key is required'],
		[{ name: 'Laptop', publicKey: ' ' }, 'publicKey: Public key is required'],
		[{ name: 'Laptop', publicKey: 'a'.repeat(16 * 1024 + 1) }, 'publicKey: The key is larger than 16 KiB'],
		[{ name: 'Laptop', publicKey: 'ssh-rsa AAAA' }, 'publicKey: The key data is truncated or corrupted']
	])('add refuses %j with BAD_REQUEST "%s"', async (input, message) => {
		const caller = callerAs(app, await insertUser(app, 'validator'));
		expect(await errorOf(caller.sshKeys.add(input as never))).toEqual({ code: 'BAD_REQUEST', message });
	});

	it('accepts a 100-character name (the boundary beside the refusal)', async () => {
		const caller = callerAs(app, await insertUser(app, 'boundary'));
		expect((await caller.sshKeys.add({ name: 'n'.repeat(100), publicKey: freshEd25519Line() })).name).toHaveLength(100);
	});

	it.each([
		['-octocat', false],
		['octocat-', false],
		['octo--cat', false],
		['octo_cat', false],
		['a'.repeat(40), false],
		['', false],
		['a'.repeat(39), true],
		['a', true],
		['Octo-Cat-42', true]
	])('importGithub judges the user name %j (valid: %s) by GitHub\'s rules', async (githubUsername, valid) => {
		const caller = callerAs(app, await insertUser(app, 'gh'));
		const error = await errorOf(caller.sshKeys.importGithub({ githubUsername }));
		// Valid names get as far as fetching, which fails here: GitHub is "down" (a closed port).
		if (valid) expect(error).toEqual({ code: 'BAD_GATEWAY', message: `Could not fetch the GitHub keys of ${githubUsername}: Cannot connect to 127.0.0.1:${closedPort}: connection refused` });
		else expect(error?.code).toBe('BAD_REQUEST');
	});
});

describe('orgMemberKeys', () => {
	it('shows an admin every member with their keys as fingerprints, never the key material', async () => {
		const { owner, org } = await orgWithOwner(app, 'Keys Inc');
		const [admin, dev, viewer] = [await insertUser(app, 'admin'), await insertUser(app, 'dev'), await insertUser(app, 'viewer')];
		for (const [user, role] of [[admin, 'Admin'], [dev, 'Developer'], [viewer, 'Viewer']] as const) {
			await joinOrg(app, owner, org.id, user, role);
		}
		const devLine = freshEd25519Line('dev-secret-comment');
		const devKey = await callerAs(app, dev).sshKeys.add({ name: 'Dev laptop', publicKey: devLine });
		// A non-member's key is not listed.
		await callerAs(app, await insertUser(app, 'stranger')).sshKeys.add({ name: 'Elsewhere', publicKey: freshEd25519Line() });

		const listing = await callerAs(app, admin).sshKeys.orgMemberKeys({ orgId: org.id });
		expect(listing.map((m) => m.userId).sort()).toEqual([owner.id, admin.id, dev.id, viewer.id].sort());
		const devEntry = listing.find((m) => m.userId === dev.id)!;
		expect(devEntry).toEqual({
			userId: dev.id,
			email: dev.email,
			name: dev.name,
			keys: [{ id: devKey.id, name: 'Dev laptop', type: 'ssh-ed25519', bits: 256, fingerprint: devKey.fingerprint, createdAt: devKey.createdAt, lastUsedAt: null }]
		});
		expect(listing.find((m) => m.userId === viewer.id)!.keys).toEqual([]);
		const text = JSON.stringify(listing);
		expect(text).not.toContain(devLine.split(' ')[1]!.slice(0, 30));
		expect(text).not.toContain('dev-secret-comment');
		// The owner (any role) sees it too.
		expect(await callerAs(app, owner).sshKeys.orgMemberKeys({ orgId: org.id })).toHaveLength(4);

		for (const user of [dev, viewer]) {
			expect(await errorOf(callerAs(app, user).sshKeys.orgMemberKeys({ orgId: org.id }))).toEqual({
				code: 'FORBIDDEN',
				message: 'Permission denied: view:ssh_keys'
			});
		}
		const outsider = await insertUser(app, 'outsider');
		expect(await errorOf(callerAs(app, outsider).sshKeys.orgMemberKeys({ orgId: org.id }))).toEqual({
			code: 'NOT_FOUND',
			message: 'Organization not found'
		});
	});
});
