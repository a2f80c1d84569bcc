/**
 * The SSH key service on a real database: add, list, delete, the one-account-per-key rule (also
 * under concurrent adds), audit rows without key material, and the gateway's lookups.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLogs, sshKeys } from '../../../src/lib/server/db/schema';
import { AppError } from '../../../src/lib/server/errors';
import { findUserBySshKey, touchSshKeyLastUsed } from '../../../src/lib/server/ssh-keys/lookup';
import { addSshKey, deleteSshKey, listSshKeys } from '../../../src/lib/server/ssh-keys/service';
import { createTestApp, manualClock, type TestApp } from '../../helpers/app';
import { acting, auditRows, insertUser, joinOrg, orgWithOwner, type TestUser } from '../../helpers/orgs';
import { waitFor } from '../../helpers/poll';
import { blobOf, freshEd25519Line, generateKey, type GeneratedKey } from '../../helpers/ssh-keys';

const clock = manualClock(new Date('2025-03-01T10:00:00Z'));
let app: TestApp;
let ed25519: GeneratedKey;
let rsa2048: GeneratedKey;

beforeAll(async () => {
	app = await createTestApp({}, clock);
	ed25519 = generateKey('ed25519', undefined, 'user@workstation');
	rsa2048 = generateKey('rsa', 2048);
});
afterAll(() => app.close());

async function expectAppError(promise: Promise<unknown>, code: string, message: string) {
	const err = await promise.then(
		() => null,
		(e: unknown) => e
	);
	expect(err).toBeInstanceOf(AppError);
	expect({ code: (err as AppError).code, message: (err as AppError).message }).toEqual({ code, message });
}

async function accountAudit(user: TestUser) {
	return app.db
		.select()
		.from(auditLogs)
		.where(and(eq(auditLogs.chain, 'account'), eq(auditLogs.actorUserId, user.id)))
		.orderBy(asc(auditLogs.seq));
}

describe('addSshKey', () => {
	it('stores a key and answers the view: type, bits, ssh-keygen fingerprint, comment, dates', async () => {
		const user = await insertUser(app, 'keys');
		const view = await addSshKey(app, acting(user), { name: 'Work Laptop', publicKey: ed25519.line });
		expect(view).toEqual({
			id: expect.any(String),
			name: 'Work Laptop',
			type: 'ssh-ed25519',
			bits: 256,
			fingerprint: ed25519.keygenFingerprint,
			comment: 'user@workstation',
			createdAt: new Date('2025-03-01T10:00:00Z'),
			lastUsedAt: null
		});
		expect(Object.keys(view)).not.toContain('publicKey');
		const [row] = await app.db.select().from(sshKeys).where(eq(sshKeys.id, view.id));
		expect(row!.publicKey).toBe(ed25519.line.split(' ').slice(0, 2).join(' '));
		expect(row!.userId).toBe(user.id);
		await deleteSshKey(app, acting(user), view.id);
	});

	it('refuses a key below the RSA minimum and stores nothing', async () => {
		const user = await insertUser(app, 'keys');
		await expectAppError(
			addSshKey(app, acting(user), { name: 'Old', publicKey: rsa2048.line }),
			'invalid_request',
			'publicKey: RSA key is 2048 bits; at least 4096 bits are required'
		);
		expect(await listSshKeys(app, user.id)).toEqual([]);
	});

	it('answers the same key twice with 409 on your account, and a key of another account with 409 naming nobody', async () => {
		const [alice, bob] = [await insertUser(app, 'alice'), await insertUser(app, 'bob')];
		const line = freshEd25519Line('shared@host');
		const first = await addSshKey(app, acting(alice), { name: 'Mine', publicKey: line });
		await expectAppError(addSshKey(app, acting(alice), { name: 'Again', publicKey: line }), 'conflict', 'This key is already registered on your account');
		// Another comment does not make it another key: the blob is what counts.
		const [type, data] = line.split(' ');
		await expectAppError(
			addSshKey(app, acting(bob), { name: 'Stolen', publicKey: `${type} ${data} bob@elsewhere` }),
			'conflict',
			'This key is already registered to another account'
		);
		expect((await listSshKeys(app, alice.id)).map((k) => k.id)).toEqual([first.id]);
		expect(await listSshKeys(app, bob.id)).toEqual([]);
		// Once Alice removes it, Bob may register it.
		await deleteSshKey(app, acting(alice), first.id);
		expect((await addSshKey(app, acting(bob), { name: 'Now mine', publicKey: line })).name).toBe('Now mine');
	});

	it('lets exactly one of several concurrent adds of one key win (the unique index decides)', async () => {
		const users = await Promise.all(Array.from({ length: 6 }, () => insertUser(app, 'racer')));
		const line = freshEd25519Line('race@host');
		const results = await Promise.allSettled(users.map((u) => addSshKey(app, acting(u), { name: 'Race', publicKey: line })));
		const won = results.filter((r) => r.status === 'fulfilled');
		const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
		expect(won).toHaveLength(1);
		expect(lost.map((r) => [(r.reason as AppError).code, (r.reason as AppError).message])).toEqual(
			Array(5).fill(['conflict', 'This key is already registered to another account'])
		);
		const rows = await app.db.select().from(sshKeys).where(eq(sshKeys.fingerprint, (won[0] as PromiseFulfilledResult<{ fingerprint: string }>).value.fingerprint));
		expect(rows).toHaveLength(1);
	});

	// Needs a second connection: an uncommitted insert the pre-check cannot see, so only the unique
	// index stops the add. PGlite has one connection, where this would wait on itself.
	it.runIf(process.env.DATABASE_URL)('turns a unique violation after the pre-check into the same 409 (PostgreSQL)', async () => {
		const [winner, loser] = [await insertUser(app, 'winner'), await insertUser(app, 'loser')];
		const line = freshEd25519Line('late@host');
		const { parsePublicKey } = await import('../../../src/lib/server/ssh-keys/parse');
		const parsed = parsePublicKey(line, { minRsaBits: 4096 });
		let adding: Promise<unknown> | undefined;
		await app.db.transaction(async (tx) => {
			await tx.insert(sshKeys).values({ userId: winner.id, name: 'Held', type: parsed.type, bits: parsed.bits, fingerprint: parsed.fingerprint, publicKey: parsed.publicKey });
			adding = addSshKey(app, acting(loser), { name: 'Late', publicKey: line }).catch((e: unknown) => e);
			// Let the add run its pre-check (sees nothing) and block on the index before we commit: another
			// connection of the pool sees it waiting on a lock.
			await waitFor(async () => {
				const [row] = await app.db.execute<{ waiting: number }>(
					sql`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`
				);
				return (row?.waiting ?? 0) > 0;
			});
		});
		const err = (await adding) as AppError;
		expect([err.code, err.message]).toEqual(['conflict', 'This key is already registered to another account']);
		expect(await listSshKeys(app, loser.id)).toEqual([]);
	});
});

describe('listSshKeys and deleteSshKey', () => {
	it('list only the caller\'s keys, oldest first, and delete one of them', async () => {
		const [owner, other] = [await insertUser(app, 'owner'), await insertUser(app, 'other')];
		const a = await addSshKey(app, acting(owner), { name: 'A', publicKey: freshEd25519Line() });
		clock.advanceSeconds(60);
		const b = await addSshKey(app, acting(owner), { name: 'B', publicKey: freshEd25519Line() });
		await addSshKey(app, acting(other), { name: 'Other', publicKey: freshEd25519Line() });
		expect((await listSshKeys(app, owner.id)).map((k) => k.name)).toEqual(['A', 'B']);
		await deleteSshKey(app, acting(owner), a.id);
		expect((await listSshKeys(app, owner.id)).map((k) => k.id)).toEqual([b.id]);
	});

	it('answer another user\'s key, an unknown id and a non-UUID with the same 404, and delete nothing', async () => {
		const [owner, intruder] = [await insertUser(app, 'owner'), await insertUser(app, 'intruder')];
		const key = await addSshKey(app, acting(owner), { name: 'Keep', publicKey: freshEd25519Line() });
		for (const id of [key.id, crypto.randomUUID(), 'not-a-uuid', "1' or '1'='1"]) {
			await expectAppError(deleteSshKey(app, acting(intruder), id), 'not_found', 'SSH key not found');
		}
		expect((await listSshKeys(app, owner.id)).map((k) => k.id)).toEqual([key.id]);
		await deleteSshKey(app, acting(owner), key.id);
		await expectAppError(deleteSshKey(app, acting(owner), key.id), 'not_found', 'SSH key not found');
	});
});

describe('audit', () => {
	it('records ssh_key.added and ssh_key.removed with fingerprint, type, bits and name, never the key', async () => {
		const { owner, org } = await orgWithOwner(app, 'Audited');
		const line = freshEd25519Line('secret-comment@host');
		const key = await addSshKey(app, acting(owner, '10.9.8.7'), { name: 'Audited key', publicKey: line });
		await deleteSshKey(app, acting(owner, '10.9.8.7'), key.id);

		const rows = (await accountAudit(owner)).filter((r) => r.action.startsWith('ssh_key.'));
		expect(rows.map((r) => [r.action, r.targetType, r.targetId, r.metadata, r.ipAddress])).toEqual(
			['ssh_key.added', 'ssh_key.removed'].map((action) => [
				action,
				'ssh_key',
				key.id,
				{ fingerprint: key.fingerprint, type: 'ssh-ed25519', bits: 256, name: 'Audited key' },
				'10.9.8.7'
			])
		);
		// Account events stay the user's own: never copied into the chain of an org they belong to.
		const orgRows = (await auditRows(app, org.id)).filter((r) => r.action.startsWith('ssh_key.'));
		expect(orgRows).toEqual([]);
		const everything = JSON.stringify([...rows, ...orgRows]);
		expect(everything).not.toContain(line.split(' ')[1]!.slice(0, 40));
		expect(everything).not.toContain('secret-comment');
	});

	it('records nothing for a refused key', async () => {
		const user = await insertUser(app, 'refused');
		await expect(addSshKey(app, acting(user), { name: 'Bad', publicKey: rsa2048.line })).rejects.toThrow(AppError);
		expect(await accountAudit(user)).toEqual([]);
	});
});

describe('gateway lookups', () => {
	it('find the owner by fingerprint or by blob, and touch lastUsedAt; unknown keys find nobody', async () => {
		const { owner, org } = await orgWithOwner(app, 'Gateway');
		const member = await insertUser(app, 'gw-member');
		await joinOrg(app, owner, org.id, member, 'Developer');
		const line = freshEd25519Line();
		const key = await addSshKey(app, acting(member), { name: 'GW', publicKey: line });

		const expected = { userId: member.id, email: member.email, name: member.name, keyId: key.id, fingerprint: key.fingerprint };
		expect(await findUserBySshKey(app.db, key.fingerprint)).toEqual(expected);
		expect(await findUserBySshKey(app.db, blobOf(line))).toEqual(expected);
		expect(await findUserBySshKey(app.db, blobOf(freshEd25519Line()))).toBeNull();
		expect(await findUserBySshKey(app.db, 'SHA256:unknown')).toBeNull();

		const usedAt = new Date('2025-04-01T08:30:00Z');
		expect(await touchSshKeyLastUsed(app.db, key.fingerprint, usedAt)).toBe(true);
		expect((await listSshKeys(app, member.id))[0]!.lastUsedAt).toEqual(usedAt);
		expect(await touchSshKeyLastUsed(app.db, 'SHA256:unknown', usedAt)).toBe(false);

		await deleteSshKey(app, acting(member), key.id);
		expect(await findUserBySshKey(app.db, key.fingerprint)).toBeNull();
	});
});
