/** Reading an org's audit log: newest first, filters, pagination, scoping to the org. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAccountAudit } from '../../../src/lib/server/audit/append';
import { listOrgAuditLogs } from '../../../src/lib/server/audit/query';
import { auditListInput } from '../../../src/lib/server/audit/schemas';
import { changeMemberRole, removeMember } from '../../../src/lib/server/orgs/members';
import { createTestApp, manualClock, type TestApp } from '../../helpers/app';
import { acting, insertUser, joinOrg, orgWithOwner, type TestUser } from '../../helpers/orgs';

const clock = manualClock(new Date('2026-06-01T12:00:00Z'));
let app: TestApp;
let owner: TestUser;
let alice: TestUser;
let bob: TestUser;
let orgId: string;
let otherOrgId: string;

const list = (input: Record<string, unknown> = {}) => listOrgAuditLogs(app, orgId, auditListInput.parse(input));

beforeAll(async () => {
	app = await createTestApp({}, clock);
	const created = await orgWithOwner(app); // 12:00:00 org.created
	owner = created.owner;
	orgId = created.org.id;
	alice = await insertUser(app, 'alice');
	bob = await insertUser(app, 'bob');
	clock.advanceSeconds(60); // 12:01 member.invited (alice) by owner, member.joined by alice
	await joinOrg(app, owner, orgId, alice, 'Admin');
	clock.advanceSeconds(60); // 12:02 member.invited (bob) by alice, member.joined by bob
	await joinOrg(app, alice, orgId, bob, 'Viewer');
	clock.advanceSeconds(60); // 12:03 member.role_changed by alice
	await changeMemberRole(app, acting(alice), orgId, { userId: bob.id, role: 'Developer' });
	clock.advanceSeconds(60); // 12:04 auth.login: the account chain only, never the org's
	await appendAccountAudit(app.db, { actor: { userId: bob.id, email: bob.email }, action: 'auth.login' }, clock.now());
	clock.advanceSeconds(60); // 12:05 member.removed by owner
	await removeMember(app, acting(owner), orgId, { userId: bob.id });
	const other = await orgWithOwner(app, 'Other');
	otherOrgId = other.org.id;
	await joinOrg(app, other.owner, otherOrgId, alice, 'Viewer');
});
afterAll(() => app.close());

describe('listOrgAuditLogs', () => {
	it("returns the org's own rows newest first; a member's account events never enter it", async () => {
		const page = await list();
		expect(page.items.map((r) => r.action)).toEqual([
			'member.removed',
			'member.role_changed',
			'member.joined',
			'member.invited',
			'member.joined',
			'member.invited',
			'org.created'
		]);
		expect(page.items.map((r) => r.seq)).toEqual([7, 6, 5, 4, 3, 2, 1]);
		expect(page.nextCursor).toBeNull();
		expect(page.items[0]).toMatchObject({ actorUserId: owner.id, actorEmail: owner.email, ipAddress: expect.any(String), userAgent: 'vitest' });
	});

	it('filters by action, by actor id and by actor email (any case)', async () => {
		expect((await list({ action: 'member.invited' })).items.map((r) => r.seq)).toEqual([4, 2]);
		expect((await list({ action: 'member.nothing' })).items).toEqual([]);
		expect((await list({ actor: alice.id })).items.map((r) => r.action)).toEqual(['member.role_changed', 'member.invited', 'member.joined']);
		expect((await list({ actor: alice.email.toUpperCase() })).items.map((r) => r.seq)).toEqual([6, 4, 3]);
		expect((await list({ actor: 'stranger@example.test' })).items).toEqual([]);
	});

	it('filters by time, both bounds inclusive', async () => {
		const page = await list({ from: '2026-06-01T12:01:00Z', to: '2026-06-01T12:03:00.000Z' });
		expect(page.items.map((r) => r.createdAt.toISOString())).toEqual([
			'2026-06-01T12:03:00.000Z',
			'2026-06-01T12:02:00.000Z',
			'2026-06-01T12:02:00.000Z',
			'2026-06-01T12:01:00.000Z',
			'2026-06-01T12:01:00.000Z'
		]);
		expect((await list({ from: '2026-06-01T13:00:00Z' })).items).toEqual([]);
	});

	it('pages with a cursor until there is no next page', async () => {
		const first = await list({ limit: 4 });
		expect(first.items.map((r) => r.seq)).toEqual([7, 6, 5, 4]);
		expect(first.nextCursor).toBe('4');
		const second = await list({ limit: 4, cursor: first.nextCursor });
		expect(second.items.map((r) => r.seq)).toEqual([3, 2, 1]);
		expect(second.nextCursor).toBeNull();
		const filtered = await list({ limit: 1, action: 'member.invited' });
		expect([filtered.items[0]!.seq, filtered.nextCursor]).toEqual([4, '4']);
	});

	it('pages back to newer rows with `after`, and says when there are newer or older ones', async () => {
		const first = await list({ limit: 3 });
		expect([first.items.map((r) => r.seq), first.prevCursor, first.nextCursor]).toEqual([[7, 6, 5], null, '5']);
		const older = await list({ limit: 3, cursor: first.nextCursor });
		expect([older.items.map((r) => r.seq), older.prevCursor, older.nextCursor]).toEqual([[4, 3, 2], '4', '2']);
		const oldest = await list({ limit: 3, cursor: older.nextCursor });
		expect([oldest.items.map((r) => r.seq), oldest.prevCursor, oldest.nextCursor]).toEqual([[1], '1', null]);
		const back = await list({ limit: 3, after: oldest.prevCursor });
		expect([back.items.map((r) => r.seq), back.prevCursor, back.nextCursor]).toEqual([[4, 3, 2], '4', '2']);
		const newest = await list({ limit: 3, after: back.prevCursor });
		expect([newest.items.map((r) => r.seq), newest.prevCursor, newest.nextCursor]).toEqual([[7, 6, 5], null, '5']);
		// Filters apply both ways.
		const invited = await list({ limit: 1, action: 'member.invited', after: '2' });
		expect([invited.items.map((r) => r.seq), invited.prevCursor]).toEqual([[4], null]);
		expect(auditListInput.safeParse({ cursor: '3', after: '5' }).error?.issues[0]?.message).toBe('cursor and after cannot be combined');
	});

	it("reads each row as a sentence naming the people, with the actor's current name", async () => {
		const page = await list();
		expect(page.items.map((r) => r.description)).toEqual([
			`${owner.name} removed bob (Developer) from the organization`,
			"alice changed bob's role from Viewer to Developer",
			'bob joined as Viewer',
			`alice invited ${bob.email} as Viewer`,
			'alice joined as Admin',
			`${owner.name} invited ${alice.email} as Admin`,
			`${owner.name} created the organization "Acme"`
		]);
		expect(page.items[0]).toMatchObject({ actorName: owner.name, actorEmail: owner.email });
	});

	it("never returns another org's rows, even for a shared member", async () => {
		const mine = await list({ actor: alice.id, limit: 200 });
		expect(mine.items.every((r) => r.seq <= 7)).toBe(true);
		const theirs = await listOrgAuditLogs(app, otherOrgId, auditListInput.parse({}));
		expect(theirs.items.map((r) => r.action)).toEqual(['member.joined', 'member.invited', 'org.created']);
	});
});

describe('auditListInput', () => {
	it('defaults the page size to 50 and caps it at 200, naming the field', () => {
		expect(auditListInput.parse({})).toEqual({ limit: 50 });
		expect(auditListInput.parse({ limit: '200' }).limit).toBe(200);
		const issue = (input: Record<string, unknown>) => {
			const e = auditListInput.safeParse(input).error?.issues[0];
			return e && `${e.path.join('.')}: ${e.message}`;
		};
		expect(issue({ limit: '201' })).toBe('limit: limit must be at most 200');
		expect(issue({ limit: '0' })).toBe('limit: limit must be at least 1');
		expect(issue({ limit: 'ten' })).toBe('limit: limit must be a number');
		expect(issue({ from: 'yesterday' })).toBe('from: from must be a date-time (ISO 8601)');
		expect(issue({ from: '2026-06-02T00:00:00Z', to: '2026-06-01T00:00:00Z' })).toBe('from: from must not be after to');
		expect(issue({ cursor: 'abc' })).toBe('cursor: cursor is not valid');
	});
});
