/**
 * Concurrent changes to one org: appends never fork the chain, the last owner survives two owners
 * removing each other, and a slug is taken once. On PostgreSQL these calls really run in parallel on
 * separate connections; on PGlite they are serialised by its single connection, and must still hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendOrgAudit } from '../../../src/lib/server/audit/append';
import { verifyAuditChains } from '../../../src/lib/server/audit/verify';
import { inviteMember } from '../../../src/lib/server/orgs/invitations';
import { acceptInvitation } from '../../../src/lib/server/orgs/invitee';
import { listMembers, removeMember } from '../../../src/lib/server/orgs/members';
import { createOrg, transferOwnership } from '../../../src/lib/server/orgs/orgs';
import { createTestApp, type TestApp } from '../../helpers/app';
import { acting, auditRows, insertUser, joinOrg, orgWithOwner, uniqueSlug } from '../../helpers/orgs';

let app: TestApp;
beforeAll(async () => {
	app = await createTestApp();
});
afterAll(() => app.close());

describe('concurrent appends to one org chain', () => {
	it('numbers every row exactly once, 1..N, with every link and the head intact', async () => {
		const { owner, org } = await orgWithOwner(app);
		const users = await Promise.all(Array.from({ length: 12 }, () => insertUser(app)));
		const results = await Promise.allSettled([
			...users.map((u, i) => joinOrg(app, owner, org.id, u, i % 2 ? 'Viewer' : 'Developer')),
			...users.map((_, i) =>
				appendOrgAudit(app.db, org.id, { actor: { userId: owner.id, email: owner.email }, action: `test.parallel_${i}` }, new Date())
			)
		]);
		expect(results.filter((r) => r.status === 'rejected')).toEqual([]);

		const rows = await auditRows(app, org.id);
		// org.created, then an invitation and a join per user, then the 12 parallel rows.
		expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 37 }, (_, i) => i + 1));
		expect(new Set(rows.map((r) => r.prevHash)).size).toBe(37);
		expect(rows.filter((r) => r.action === 'member.joined')).toHaveLength(12);
		const report = await verifyAuditChains(app.db, { chains: [org.id] });
		expect(report).toMatchObject({ intact: true, rowCount: 37, chains: [{ lastSeq: 37, headSeq: 37 }] });
	});

	it('invites once and joins once when the same invitation and the same accept race with themselves', async () => {
		const { owner, org } = await orgWithOwner(app);
		const user = await insertUser(app);
		const invites = await Promise.allSettled(
			Array.from({ length: 4 }, () => inviteMember(app, acting(owner), org.id, { email: user.email, role: 'Viewer' }))
		);
		const invited = invites.filter((r) => r.status === 'fulfilled');
		expect(invited).toHaveLength(1);
		for (const r of invites.filter((r) => r.status === 'rejected')) {
			expect((r as PromiseRejectedResult).reason).toMatchObject({
				code: 'conflict',
				message: 'That address already has a pending invitation; resend it instead'
			});
		}
		const invitationId = (invited[0] as PromiseFulfilledResult<{ id: string }>).value.id;
		const accepts = await Promise.allSettled(Array.from({ length: 4 }, () => acceptInvitation(app, acting(user), { invitationId })));
		expect(accepts.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		for (const r of accepts.filter((r) => r.status === 'rejected')) {
			expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict', message: 'This invitation was already accepted' });
		}
		const rows = await auditRows(app, org.id);
		expect(rows.filter((r) => r.action === 'member.invited')).toHaveLength(1);
		expect(rows.filter((r) => r.action === 'member.joined')).toHaveLength(1);
	});
});

describe('the last owner under concurrency', () => {
	it('keeps exactly one owner when two owners remove each other at once', async () => {
		const { owner: a, org } = await orgWithOwner(app);
		const b = await insertUser(app);
		await joinOrg(app, a, org.id, b, 'Admin');
		await transferOwnership(app, acting(a), org.id, { userId: b.id, keepOwnership: true });

		const results = await Promise.allSettled([
			removeMember(app, acting(a), org.id, { userId: b.id }),
			removeMember(app, acting(b), org.id, { userId: a.id })
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		// The loser is no longer a member by the time its transaction gets the org lock.
		expect(rejected.reason).toMatchObject({ code: 'not_found', message: 'Organization not found' });
		const members = await listMembers(app, org.id);
		expect(members).toHaveLength(1);
		expect(members[0]!.isOwner).toBe(true);
	});
});

describe('slug uniqueness under concurrency', () => {
	it('creates one org per slug and answers 409 to the others', async () => {
		const slug = uniqueSlug('race');
		const users = await Promise.all(Array.from({ length: 3 }, () => insertUser(app)));
		const results = await Promise.allSettled(users.map((u) => createOrg(app, acting(u), { name: 'Race', slug })));
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		for (const r of results.filter((r) => r.status === 'rejected')) {
			expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict', message: `The slug "${slug}" is already taken` });
		}
	});
});
