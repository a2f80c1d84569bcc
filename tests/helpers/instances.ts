/**
 * Fixtures for servers and instances: a platform admin (the only kind of user allowed to register
 * the local Docker socket), an org with a socket server, and an instance on a real test container.
 * The SSH gateway's tests build on instanceFixture.
 */
import { eq } from 'drizzle-orm';
import { users } from '../../src/lib/server/db/schema';
import { createInstance, type InstanceView } from '../../src/lib/server/instances/service';
import type { OrgForMember } from '../../src/lib/server/orgs/orgs';
import { createServer, type ServerActor, type ServerView } from '../../src/lib/server/servers/service';
import type { TestApp } from './app';
import { startTestContainer, type TestContainer } from './docker';
import { createContextInner } from '../../src/lib/server/trpc/init';
import { createCaller } from '../../src/lib/server/trpc/root';
import { acting, authStateFor, insertUser, orgWithOwner, uniqueSlug, type TestUser } from './orgs';

export async function makePlatformAdmin(app: TestApp, user: TestUser): Promise<void> {
	await app.db.update(users).set({ isPlatformAdmin: true }).where(eq(users.id, user.id));
}

/** What the servers router passes for a signed-in user. */
export function serverActor(user: TestUser, isPlatformAdmin = false): ServerActor {
	return { ...acting(user), isPlatformAdmin };
}

/** The local engine as a server of `orgId`, registered by a platform admin who owns the org. */
export async function socketServer(app: TestApp, owner: TestUser, orgId: string, name = `local-${uniqueSlug('srv')}`): Promise<ServerView> {
	await makePlatformAdmin(app, owner);
	return createServer(app, serverActor(owner, true), orgId, { name, kind: 'socket', endpoint: app.config.dockerSocketPath });
}

export type InstanceFixture = {
	owner: TestUser;
	org: OrgForMember;
	server: ServerView;
	container: TestContainer;
	instance: InstanceView;
};

/** A new org (owner = platform admin), its socket server, a running test container and an instance on it. */
export async function instanceFixture(app: TestApp, options: { slug?: string; orgName?: string } = {}): Promise<InstanceFixture> {
	const { owner, org } = await orgWithOwner(app, options.orgName ?? 'Instances Inc');
	const server = await socketServer(app, owner, org.id);
	const container = await startTestContainer('instance', { org: org.id });
	const instance = await createInstance(app, acting(owner), org.id, {
		slug: options.slug ?? uniqueSlug('inst'),
		name: 'Test instance',
		serverId: server.id,
		container: container.name
	});
	return { owner, org, server, container, instance };
}

export { insertUser };

/** A tRPC caller for a signed-in platform administrator (callerAs signs users in as non-admins). */
export function adminCallerAs(app: TestApp, user: TestUser) {
	const auth = authStateFor(user);
	return createCaller(
		createContextInner({ app, auth: { ...auth, user: { ...auth.user, isPlatformAdmin: true } }, request: { ipAddress: '10.0.0.9', userAgent: 'vitest' } })
	);
}
