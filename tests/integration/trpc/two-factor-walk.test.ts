/**
 * The 2FA requirement at the tRPC door, for EVERY procedure: while an org requires 2FA, a member
 * without it is refused each org-scoped procedure and each procedure addressed by one of the org's
 * resources (an instance slug, a server id) with FORBIDDEN / mfa_required and a message naming the
 * org, even an Admin holding every permission; an Admin with 2FA gets through the same gate; an
 * outsider is still told NOT_FOUND. Procedures are classified by the middlewares they were built from,
 * as in permission-walk.test.ts, so a new procedure is walked without being listed.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environments, instances, organizations, projects, servers } from '../../../src/lib/server/db/schema';
import { environmentProcedure, instanceProcedure, orgProcedure, projectProcedure, serverProcedure } from '../../../src/lib/server/trpc/init';
import { appRouter } from '../../../src/lib/server/trpc/root';
import { createTestApp, type TestApp } from '../../helpers/app';
import { turnOnTwoFactorInDb } from '../../helpers/mfa';
import { defaultEnvironmentId } from '../../helpers/projects';
import { callerAs, insertUser, joinOrg, orgWithOwner, type Caller, type TestUser } from '../../helpers/orgs';

type WalkedProcedure = { _def: { middlewares: unknown[] } };
const routerDef = appRouter._def as unknown as { procedures: Record<string, WalkedProcedure>; lazy: Record<string, { load(): Promise<void> }> };
for (const lazy of Object.values(routerDef.lazy ?? {})) await lazy.load();

const gates = [orgProcedure, instanceProcedure, serverProcedure, projectProcedure, environmentProcedure].map((b) => (b._def.middlewares as unknown[]).at(-1));
const gated = Object.entries(routerDef.procedures)
	.filter(([, p]) => p._def.middlewares.some((m) => gates.includes(m)))
	.map(([path]) => path)
	.sort();

async function call(caller: Caller, path: string, input: unknown) {
	const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (input: unknown) => Promise<unknown>;
	try {
		await fn(input);
		return null;
	} catch (err) {
		const e = err as { code?: string; message?: string; cause?: { publicCode?: string } };
		return { code: String(e.code), message: String(e.message), publicCode: e.cause?.publicCode };
	}
}

const ORG_NAME = 'Guarded Co';
const MFA_REQUIRED = { code: 'FORBIDDEN', message: `${ORG_NAME} requires two-factor authentication. Turn it on in Settings > Security.`, publicCode: 'mfa_required' };

let app: TestApp;
let orgId: string;
let adminWithout: TestUser;
let adminWith: TestUser;
let outsider: TestUser;

async function resource(): Promise<{ slug: string; serverId: string; projectId: string; environmentId: string }> {
	const slug = `mfa-walk-${randomBytes(5).toString('hex')}`;
	const [server] = await app.db.insert(servers).values({ orgId, name: slug, kind: 'socket', endpoint: app.config.dockerSocketPath }).returning({ id: servers.id });
	await app.db.insert(instances).values({ orgId, environmentId: await defaultEnvironmentId(app, orgId), slug, name: slug, serverId: server!.id, container: `${slug}-missing`, status: 'stopped' });
	const [project] = await app.db.insert(projects).values({ orgId, name: slug }).returning({ id: projects.id });
	const [environment] = await app.db.insert(environments).values({ orgId, projectId: project!.id, name: slug }).returning({ id: environments.id });
	return { slug, serverId: server!.id, projectId: project!.id, environmentId: environment!.id };
}

beforeAll(async () => {
	app = await createTestApp();
	const { owner, org } = await orgWithOwner(app, ORG_NAME);
	orgId = org.id;
	[adminWithout, adminWith, outsider] = [await insertUser(app, 'no2fa'), await insertUser(app, 'has2fa'), await insertUser(app, 'outsider')];
	await joinOrg(app, owner, orgId, adminWithout, 'Admin');
	await joinOrg(app, owner, orgId, adminWith, 'Admin');
	await turnOnTwoFactorInDb(app.db, adminWith.id);
	await app.db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, orgId));
});
afterAll(() => app.close());

describe('the 2FA requirement on every gated procedure', () => {
	it('walks the org-scoped and resource-addressed procedures of every router', () => {
		expect(gated).toEqual(expect.arrayContaining(['orgs.get', 'orgs.members.list', 'orgs.members.resetTwoFactor', 'orgs.twoFactor.setRequired', 'audit.list', 'instances.get', 'servers.delete', 'projects.list', 'projects.rename', 'projects.environments.delete']));
		expect(gated.length).toBeGreaterThanOrEqual(20);
	});

	it.each(gated.map((path) => [path]))('%s refuses a member without 2FA (mfa_required), lets one with 2FA through, and tells an outsider nothing', async (path) => {
		const shared = await resource();
		expect(await call(callerAs(app, adminWithout), path, { orgId, ...shared })).toEqual(MFA_REQUIRED);
		const outsiderGot = await call(callerAs(app, outsider), path, { orgId, ...shared });
		expect(outsiderGot).toMatchObject({ code: 'NOT_FOUND' });
		// A resource of its own, since the call may really run (delete); whatever it answers, not the gate's refusal.
		const own = await resource();
		const passed = await call(callerAs(app, adminWith), path, { orgId, ...own });
		expect(passed).not.toEqual(MFA_REQUIRED);
		expect(passed?.code).not.toBe('NOT_FOUND');
	});
});
