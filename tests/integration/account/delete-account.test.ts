/**
 * Deleting one's own account: refused for the last owner of an org (naming it), otherwise the user,
 * their sessions, SSH keys and memberships go, the gateway no longer admits their key, every browser
 * is told why it was signed out, and every audit chain still verifies.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteAccount } from '../../../src/lib/server/account/delete-account';
import { ACCOUNT_CHAIN } from '../../../src/lib/server/audit/append';
import { verifyAuditChains } from '../../../src/lib/server/audit/verify';
import { authenticateRequest } from '../../../src/lib/server/auth/authenticate';
import { loginApi } from '../../helpers/password-login';
import { endedSessionReason } from '../../../src/lib/server/auth/session-endings';
import { auditLogs, memberships, orgInvitations, sessions, sshKeys, users } from '../../../src/lib/server/db/schema';
import { databaseDirectory } from '../../../src/lib/server/gateway-sessions/directory';
import { inviteMember, listOrgInvitations } from '../../../src/lib/server/orgs/invitations';
import { createOrg } from '../../../src/lib/server/orgs/orgs';
import { findUserBySshKey } from '../../../src/lib/server/ssh-keys/lookup';
import { addSshKey } from '../../../src/lib/server/ssh-keys/service';
import { createCaller } from '../../../src/lib/server/trpc/root';
import { createContextInner } from '../../../src/lib/server/trpc/init';
import { uniqueEmail, type TestApp } from '../../helpers/app';
import { meta, PASSWORD, signedInUser, signIn, type SignedIn } from '../../helpers/accounts';
import { acting, auditRows, createIsolatedTestApp, joinOrg, orgWithOwner, uniqueSlug, type TestUser } from '../../helpers/orgs';
import { generateKey } from '../../helpers/ssh-keys';

let app: TestApp;

beforeAll(async () => {
	// Its own database, so "every chain verifies" speaks of this test's chains only.
	app = await createIsolatedTestApp();
});
afterAll(() => app.close());

const asTestUser = (s: SignedIn): TestUser => ({ id: s.auth.user.id, email: s.auth.user.email, name: s.auth.user.name });
const callerFor = (s: SignedIn) => createCaller(createContextInner({ app, auth: s.auth, request: meta() }));

describe('deleting one\u2019s account', () => {
	it('is refused with 409 last_owner naming every org the user alone owns, and deletes nothing', async () => {
		const owner = await signedInUser(app, 'soleowner');
		await createOrg(app, acting(asTestUser(owner)), { name: 'Acme Hosting', slug: uniqueSlug('acme') });
		await createOrg(app, acting(asTestUser(owner)), { name: 'Beta Shop', slug: uniqueSlug('beta') });
		const refused = await deleteAccount(app, owner.auth, { currentPassword: PASSWORD }, meta()).catch((e) => e);
		expect([refused.code, refused.publicCode, refused.message]).toEqual([
			'conflict',
			'last_owner',
			'Transfer ownership of Acme Hosting and Beta Shop or delete them first: you are their last owner.'
		]);
		// The tRPC door carries the same code for clients.
		const viaTrpc = await callerFor(owner).account.delete({ currentPassword: PASSWORD }).catch((e) => e);
		expect([viaTrpc.code, viaTrpc.message]).toEqual(['CONFLICT', refused.message]);
		expect(await app.db.select().from(users).where(eq(users.id, owner.auth.user.id))).toHaveLength(1);
		expect(await authenticateRequest(app, { cookieToken: owner.cookie, authorization: null })).not.toBeNull();
	});

	it('is refused for a wrong password, which is audited', async () => {
		const user = await signedInUser(app, 'wrongdel');
		await expect(deleteAccount(app, user.auth, { currentPassword: 'not it 9' }, meta())).rejects.toMatchObject({
			code: 'invalid_request',
			message: 'currentPassword: Current password is incorrect'
		});
		expect(await app.db.select().from(users).where(eq(users.id, user.auth.user.id))).toHaveLength(1);
		const rows = await app.db.select().from(auditLogs).where(eq(auditLogs.actorUserId, user.auth.user.id));
		expect(rows.map((r) => [r.action, r.metadata])).toContainEqual(['auth.reauth_failed', { purpose: 'account_deletion' }]);
	});

	it('removes the user, sessions, keys and memberships; the gateway refuses the key; the audit chains still verify', async () => {
		const { owner, org } = await orgWithOwner(app, 'Gamma Org');
		const leaver = await signedInUser(app, 'leaver', 'Lea Leaver');
		const secondBrowser = await signIn(app, leaver.email);
		const api = await loginApi(app, { email: leaver.email, password: PASSWORD }, meta());
		// A co-owner may go: the org keeps its other owner.
		const coOwned = await createOrg(app, acting(asTestUser(leaver)), { name: 'Shared Org', slug: uniqueSlug('shared') });
		await joinOrg(app, asTestUser(leaver), coOwned.id, owner, 'Admin');
		await app.db.update(memberships).set({ isOwner: true }).where(eq(memberships.userId, owner.id));
		await joinOrg(app, owner, org.id, asTestUser(leaver), 'Admin');
		// An invitation the leaver sent stays with the org.
		const invitee = uniqueEmail('invitee');
		await inviteMember(app, acting(asTestUser(leaver)), org.id, { email: invitee, role: 'Viewer' });
		const key = generateKey('ed25519');
		const stored = await addSshKey(app, acting(asTestUser(leaver)), { name: 'Laptop', publicKey: key.line });
		expect(await findUserBySshKey(app.db, stored.fingerprint)).toMatchObject({ userId: leaver.auth.user.id });

		await deleteAccount(app, leaver.auth, { currentPassword: PASSWORD }, meta());

		const userId = leaver.auth.user.id;
		expect(await app.db.select().from(users).where(eq(users.id, userId))).toEqual([]);
		expect(await app.db.select().from(sessions).where(eq(sessions.userId, userId))).toEqual([]);
		expect(await app.db.select().from(sshKeys).where(eq(sshKeys.userId, userId))).toEqual([]);
		expect(await app.db.select().from(memberships).where(eq(memberships.userId, userId))).toEqual([]);

		// The gateway's own lookup no longer knows the key.
		expect(await findUserBySshKey(app.db, stored.fingerprint)).toBeNull();
		expect(await databaseDirectory(app).findKeyOwner(stored.fingerprint)).toBeNull();

		// Every credential stops working; each browser is told why, the API session simply ends.
		for (const cookie of [leaver.cookie, secondBrowser.cookie]) {
			expect(await authenticateRequest(app, { cookieToken: cookie, authorization: null })).toBeNull();
			expect(await endedSessionReason(app, cookie, new Date())).toBe('account_deleted');
		}
		expect(await authenticateRequest(app, { cookieToken: null, authorization: `Bearer ${api.accessToken}` })).toBeNull();

		const invitations = await listOrgInvitations(app, org.id);
		expect(invitations.find((i) => i.email === invitee)).toMatchObject({ status: 'pending', invitedBy: null });
		expect((await app.db.select().from(orgInvitations).where(eq(orgInvitations.email, invitee)))[0]!.invitedByUserId).toBeNull();

		// Both orgs record the departure; the account chain ends with the deletion.
		for (const orgId of [org.id, coOwned.id]) {
			const last = (await auditRows(app, orgId)).at(-1)!;
			expect(last).toMatchObject({ action: 'member.account_deleted', targetId: userId, actorUserId: userId, actorEmail: leaver.email });
		}
		const accountRows = await app.db.select().from(auditLogs).where(eq(auditLogs.actorUserId, userId));
		const deleted = accountRows.find((r) => r.action === 'user.deleted')!;
		expect(deleted.chain).toBe(ACCOUNT_CHAIN);
		expect(deleted.metadata).toEqual({ endedSessions: 3, sshKeyFingerprints: [stored.fingerprint], orgs: 2 });

		const report = await verifyAuditChains(app.db as Parameters<typeof verifyAuditChains>[0]);
		expect(report.problems).toEqual([]);
		expect(report.intact).toBe(true);
		expect(report.chains.map((c) => c.chain)).toEqual(expect.arrayContaining([ACCOUNT_CHAIN, org.id, coOwned.id]));
	});
});
