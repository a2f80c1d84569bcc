/**
 * Fixtures for org, RBAC and audit tests: users inserted directly (a dummy password hash; these tests
 * never sign in), acting users for services, tRPC callers for a user or for nobody, and an isolated
 * database for tests that tamper with the audit log, so a deliberately broken chain never lands in a
 * database other tests verify.
 */
import { randomBytes } from 'node:crypto';
import { asc, desc, eq } from 'drizzle-orm';
import type { AuthState } from '../../src/lib/server/auth/types';
import { auditLogs, mailOutbox, users } from '../../src/lib/server/db/schema';
import { inviteMember } from '../../src/lib/server/orgs/invitations';
import { acceptInvitation } from '../../src/lib/server/orgs/invitee';
import { createOrg, type OrgForMember } from '../../src/lib/server/orgs/orgs';
import type { ActingUser } from '../../src/lib/server/orgs/store';
import { createContextInner } from '../../src/lib/server/trpc/init';
import { createCaller } from '../../src/lib/server/trpc/root';
import { freshDatabase } from './fresh-database';
import { createTestApp, uniqueEmail, uniqueIp, type TestApp } from './app';

export type TestUser = { id: string; email: string; name: string };

const DUMMY_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$not-a-real-hash-not-a-real-hash0';

export async function insertUser(app: TestApp, prefix = 'member'): Promise<TestUser> {
	const email = uniqueEmail(prefix);
	const [row] = await app.db
		.insert(users)
		.values({ email, name: prefix, passwordHash: DUMMY_PASSWORD_HASH })
		.returning({ id: users.id, email: users.email, name: users.name });
	return row!;
}

export function acting(user: TestUser, ipAddress = uniqueIp()): ActingUser {
	return { userId: user.id, email: user.email, request: { ipAddress, userAgent: 'vitest' } };
}

/** What hooks.server.ts would put in locals.auth for this user (the session row is not consulted by procedures). */
export function authStateFor(user: TestUser): AuthState {
	const now = new Date();
	return {
		user: { id: user.id, email: user.email, name: user.name, isPlatformAdmin: false, createdAt: now },
		session: {
			id: `test-${randomBytes(8).toString('hex')}`,
			userId: user.id,
			kind: 'api',
			secretHash: null,
			refreshSecretHash: null,
			userAgent: 'vitest',
			ipAddress: '10.0.0.1',
			createdAt: now,
			lastActiveAt: now,
			expiresAt: new Date(now.getTime() + 3600_000),
			authMethod: 'password',
			reauthenticatedAt: now
		},
		via: 'bearer'
	};
}

export type Caller = ReturnType<typeof createCaller>;

export function callerAs(app: TestApp, user: TestUser | null, ipAddress = uniqueIp()): Caller {
	return createCaller(
		createContextInner({ app, auth: user ? authStateFor(user) : null, request: { ipAddress, userAgent: 'vitest' } })
	);
}

export function uniqueSlug(prefix = 'org'): string {
	return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** A new org owned by a new user. */
export async function orgWithOwner(app: TestApp, name = 'Acme'): Promise<{ owner: TestUser; org: OrgForMember }> {
	const owner = await insertUser(app, 'owner');
	const org = await createOrg(app, acting(owner), { name, slug: uniqueSlug() });
	return { owner, org };
}

/**
 * Makes `user` a member the only way there is: `inviter` invites them, they accept. Returns what
 * accepting answered ({orgId, roleId, role}).
 */
export async function joinOrg(app: TestApp, inviter: TestUser, orgId: string, user: TestUser, role: string) {
	const invitation = await inviteMember(app, acting(inviter), orgId, { email: user.email, role });
	return acceptInvitation(app, acting(user), { invitationId: invitation.id });
}

/** The link of the newest mail to `email` in the outbox (tests run without SMTP). */
export async function mailedLink(app: TestApp, email: string): Promise<URL> {
	const [mail] = await app.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, email)).orderBy(desc(mailOutbox.createdAt)).limit(1);
	const href = mail?.body.match(/https?:\/\/\S+/)?.[0];
	if (!href) throw new Error(`no mail with a link to ${email}`);
	return new URL(href);
}

/** The invitation token in the newest mail to `email`, whether the link signs in or signs up first. */
export async function mailedToken(app: TestApp, email: string): Promise<string> {
	return invitationTokenOf(await mailedLink(app, email));
}

export function invitationTokenOf(link: URL): string {
	const landing = link.pathname === '/invitations' ? link : new URL(link.searchParams.get('redirectTo') ?? '/', link);
	const token = landing.pathname === '/invitations' ? landing.searchParams.get('token') : null;
	if (!token) throw new Error(`not an invitation link: ${link.href}`);
	return token;
}

/** The org chain's rows, oldest first. */
export async function auditRows(app: TestApp, orgId: string) {
	return app.db.select().from(auditLogs).where(eq(auditLogs.chain, orgId)).orderBy(asc(auditLogs.seq));
}

/**
 * A test app on a database of its own: a fresh PostgreSQL database when DATABASE_URL is set (dropped
 * on close), else an in-memory PGlite (already private to the app).
 */
export async function createIsolatedTestApp(env: Record<string, string> = {}): Promise<TestApp & { databaseUrl: string | undefined }> {
	const database = await freshDatabase();
	const app = await createTestApp(database.url ? { ...env, DATABASE_URL: database.url } : env);
	return Object.assign(app, {
		databaseUrl: database.url,
		close: async () => {
			await app.dbHandle.close();
			await database.drop();
		}
	});
}
