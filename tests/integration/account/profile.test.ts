/** The Profile page's data and the name change, through the tRPC caller the page and REST use. */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_CHAIN } from '../../../src/lib/server/audit/append';
import { auditLogs, users } from '../../../src/lib/server/db/schema';
import { createContextInner } from '../../../src/lib/server/trpc/init';
import { createCaller } from '../../../src/lib/server/trpc/root';
import { createTestApp, uniqueEmail, type TestApp } from '../../helpers/app';
import { meta, PASSWORD, signedInUser, type SignedIn } from '../../helpers/accounts';
import { acting, uniqueSlug } from '../../helpers/orgs';
import { createOrg } from '../../../src/lib/server/orgs/orgs';

let app: TestApp;
beforeAll(async () => {
	app = await createTestApp();
});
afterAll(() => app.close());

const callerFor = (s: SignedIn | null) => createCaller(createContextInner({ app, auth: s?.auth ?? null, request: meta() }));

describe('profile', () => {
	it('changes the name (trimmed), audits old and new, and refuses an empty one', async () => {
		const user = await signedInUser(app, 'renamer', 'Old Name');
		const updated = await callerFor(user).account.updateName({ name: '  New Name  ' });
		expect(updated).toMatchObject({ id: user.auth.user.id, name: 'New Name', email: user.email });
		expect(updated).not.toHaveProperty('passwordHash');
		expect((await app.db.select().from(users).where(eq(users.id, user.auth.user.id)))[0]!.name).toBe('New Name');
		const [row] = await app.db.select().from(auditLogs).where(and(eq(auditLogs.chain, ACCOUNT_CHAIN), eq(auditLogs.actorUserId, user.auth.user.id), eq(auditLogs.action, 'user.name_changed')));
		expect(row!.metadata).toEqual({ previousName: 'Old Name', name: 'New Name' });

		await expect(callerFor(user).account.updateName({ name: '   ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
		await expect(callerFor(null).account.updateName({ name: 'Anyone' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
	});

	it('shows the pending email change and the orgs that block deletion', async () => {
		const user = await signedInUser(app, 'viewer');
		expect(await callerFor(user).account.profile()).toMatchObject({ email: user.email, pendingEmail: null, lastOwnerOf: [] });
		const org = await createOrg(app, acting({ id: user.auth.user.id, email: user.email, name: 'x' }), { name: 'Solo Org', slug: uniqueSlug() });
		const newEmail = uniqueEmail('next');
		await callerFor(user).account.requestEmailChange({ email: newEmail, currentPassword: PASSWORD });
		const profile = await callerFor(user).account.profile();
		expect(profile.pendingEmail).toMatchObject({ email: newEmail });
		expect(profile.lastOwnerOf).toEqual([{ id: org.id, name: 'Solo Org', slug: org.slug }]);
	});
});
