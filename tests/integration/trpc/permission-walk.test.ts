/**
 * Walks EVERY procedure of appRouter (whatever routers exist when it runs) and proves:
 * (a) an anonymous caller is refused by every procedure except an explicit allow-list of public
 *     ones, and a new public procedure fails this test until it is added to that list on purpose;
 * (b) every org-scoped procedure refuses an outsider (NOT_FOUND, the org is not revealed) and a member
 *     lacking the declared permission, or not an owner for owner-only ones (FORBIDDEN), while a member
 *     holding exactly that permission gets past the gate;
 * (c) every org-scoped procedure declares a known permission or ownerOnly, and no procedure outside
 *     orgProcedure takes an `orgId` unless listed here on purpose;
 * (d) every procedure addressed by a resource of an org (an instance slug, a server, project or environment id) applies the
 *     same gate in the resource's org: an outsider and an unknown slug or id get the same NOT_FOUND,
 *     a member lacking the permission FORBIDDEN, a member holding exactly it gets through.
 * (e) every procedure addressing an invitation by id (the invitee's side) answers NOT_FOUND to anyone
 *     but the invitee, and changes nothing.
 * Procedures are classified by the middlewares they were built from (the exact function objects of
 * protectedProcedure and orgProcedure), not by their names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { environments, instances, projects, servers } from '../../../src/lib/server/db/schema';
import { createRole } from '../../../src/lib/server/orgs/roles';
import { inviteMember, listOrgInvitations, revokeInvitation } from '../../../src/lib/server/orgs/invitations';
import { listMembers } from '../../../src/lib/server/orgs/members';
import { PERMISSIONS, type Permission } from '../../../src/lib/server/orgs/permissions';
import {
	createCallerFactory,
	createContextInner,
	environmentProcedure,
	instanceProcedure,
	orgProcedure,
	projectProcedure,
	protectedProcedure,
	router,
	serverProcedure,
	type ProcedureMeta
} from '../../../src/lib/server/trpc/init';
import { appRouter } from '../../../src/lib/server/trpc/root';
import { createTestApp, type TestApp } from '../../helpers/app';
import { defaultEnvironmentId } from '../../helpers/projects';
import { acting, authStateFor, callerAs, insertUser, joinOrg, mailedToken, orgWithOwner, type Caller, type TestUser } from '../../helpers/orgs';

/** Procedures anyone may call without signing in. Add one here only on purpose, with a reason. */
const INTENTIONALLY_PUBLIC = new Set<string>([
	// The mailed token is the proof; the link may be opened on a device that is not signed in.
	'account.confirmEmailChange',
	// A passkey sign-in is how someone without a session proves who they are (the signature is the proof).
	'passkeys.signInOptions',
	'passkeys.signIn'
]);

/**
 * Signed-in procedures that are not org-scoped but do name an org. orgs.leave needs membership and no
 * permission, so it cannot declare one; its service refuses non-members exactly like the gate.
 */
const ORG_ID_OUTSIDE_ORG_PROCEDURE = new Set<string>(['orgs.leave']);

type WalkedProcedure = {
	_def: { type: string; meta?: ProcedureMeta; middlewares: unknown[]; inputs?: unknown[] };
};

const routerDef = appRouter._def as unknown as {
	procedures: Record<string, WalkedProcedure>;
	lazy: Record<string, { load(): Promise<void> }>;
};
// Lazy sub-routers register their procedures when loaded; load them all so none escapes the walk.
for (const lazy of Object.values(routerDef.lazy ?? {})) await lazy.load();

const AUTH_MIDDLEWARE = (protectedProcedure._def.middlewares as unknown[]).at(-1);
const ORG_MIDDLEWARE = (orgProcedure._def.middlewares as unknown[]).at(-1);

const RESOURCE_MIDDLEWARES = new Map<unknown, string>([
	[(instanceProcedure._def.middlewares as unknown[]).at(-1), 'Instance not found'],
	[(serverProcedure._def.middlewares as unknown[]).at(-1), 'Server not found'],
	[(projectProcedure._def.middlewares as unknown[]).at(-1), 'Project not found'],
	[(environmentProcedure._def.middlewares as unknown[]).at(-1), 'Environment not found']
]);

const all = Object.entries(routerDef.procedures).sort(([a], [b]) => a.localeCompare(b));
const isProtected = (p: WalkedProcedure) => p._def.middlewares.includes(AUTH_MIDDLEWARE);
const isOrgScoped = (p: WalkedProcedure) => p._def.middlewares.includes(ORG_MIDDLEWARE);
const nonPublic = all.filter(([path]) => !INTENTIONALLY_PUBLIC.has(path));
const orgScoped = all.filter(([, p]) => isOrgScoped(p));
/** What an outsider is told by a resource-addressed procedure, or undefined for any other procedure. */
const resourceNotFound = (p: WalkedProcedure) => p._def.middlewares.map((m) => RESOURCE_MIDDLEWARES.get(m)).find(Boolean);
const resourceScoped = all.filter(([, p]) => resourceNotFound(p) !== undefined);

function takesField(p: WalkedProcedure, field: string): boolean {
	return (p._def.inputs ?? []).some((schema) => {
		const shape = (schema as { shape?: Record<string, unknown> }).shape;
		return shape !== undefined && field in shape;
	});
}
const takesOrgId = (p: WalkedProcedure) => takesField(p, 'orgId');
const byInvitationId = all.filter(([, p]) => !isOrgScoped(p) && takesField(p, 'invitationId'));

async function call(caller: Caller, path: string, input: unknown): Promise<{ code: string; message: string } | null> {
	const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
		input: unknown
	) => Promise<unknown>;
	try {
		await fn(input);
		return null;
	} catch (err) {
		const e = err as { code?: string; message?: string };
		return { code: String(e.code), message: String(e.message) };
	}
}

const NOT_FOUND = { code: 'NOT_FOUND', message: 'Organization not found' };

let app: TestApp;
let orgId: string;
let owner: TestUser;
let outsider: TestUser;
let nonOwnerAdmin: TestUser;
const withoutPermission = new Map<Permission, TestUser>();
const withOnlyPermission = new Map<Permission, TestUser>();

beforeAll(async () => {
	app = await createTestApp();
	({ owner, org: { id: orgId } } = await orgWithOwner(app, 'Walked'));
	outsider = await insertUser(app, 'outsider');
	nonOwnerAdmin = await insertUser(app, 'admin');
	await joinOrg(app, owner, orgId, nonOwnerAdmin, 'Admin');
	for (const permission of PERMISSIONS) {
		const [lacking, holding] = [await insertUser(app, 'lacking'), await insertUser(app, 'holding')];
		const allBut = PERMISSIONS.filter((p) => p !== permission);
		await createRole(app, acting(owner), orgId, { name: `all-but-${permission}`, permissions: allBut });
		await createRole(app, acting(owner), orgId, { name: `only-${permission}`, permissions: [permission] });
		await joinOrg(app, owner, orgId, lacking, `all-but-${permission}`);
		await joinOrg(app, owner, orgId, holding, `only-${permission}`);
		withoutPermission.set(permission, lacking);
		withOnlyPermission.set(permission, holding);
	}
});
afterAll(() => app.close());

type WalkedResource = { slug: string; serverId: string; projectId: string; environmentId: string };

/**
 * A server, an instance, a project and an environment of the walked org, written as rows (the gate is
 * under test, not Docker). The project and environment are not the instance's, so deleting them can run.
 */
async function walkedResource(): Promise<WalkedResource> {
	const slug = `walk-${randomBytes(5).toString('hex')}`;
	const [server] = await app.db
		.insert(servers)
		.values({ orgId, name: slug, kind: 'socket', endpoint: app.config.dockerSocketPath })
		.returning({ id: servers.id });
	await app.db.insert(instances).values({ orgId, environmentId: await defaultEnvironmentId(app, orgId), slug, name: slug, serverId: server!.id, container: `${slug}-missing`, status: 'stopped' });
	const [project] = await app.db.insert(projects).values({ orgId, name: slug }).returning({ id: projects.id });
	const [environment] = await app.db.insert(environments).values({ orgId, projectId: project!.id, name: slug }).returning({ id: environments.id });
	return { slug, serverId: server!.id, projectId: project!.id, environmentId: environment!.id };
}

describe('the walk itself', () => {
	it('sees the procedures of every router, and the allow-lists name only existing procedures', () => {
		const paths = all.map(([path]) => path);
		expect(paths).toEqual(expect.arrayContaining(['orgs.create', 'orgs.invitations.create', 'invitations.accept', 'orgs.roles.delete', 'audit.list', 'sshKeys.add', 'sshKeys.orgMemberKeys']));
		expect(orgScoped.length).toBeGreaterThanOrEqual(14);
		expect(resourceScoped.map(([path]) => path)).toEqual(
			expect.arrayContaining(['instances.get', 'instances.start', 'instances.stop', 'instances.delete', 'recordings.forInstance', 'servers.delete', 'projects.delete', 'projects.environments.rename'])
		);
		for (const path of [...INTENTIONALLY_PUBLIC, ...ORG_ID_OUTSIDE_ORG_PROCEDURE]) expect(paths).toContain(path);
	});
});

describe('(a) anonymous callers', () => {
	it('are refused statically: every procedure outside the public allow-list is built on protectedProcedure', () => {
		const openDoors = nonPublic.filter(([, p]) => !isProtected(p)).map(([path]) => path);
		expect(openDoors, 'new public procedures: add them to INTENTIONALLY_PUBLIC on purpose').toEqual([]);
	});

	it.each(nonPublic.map(([path]) => [path]))('are refused by %s with UNAUTHORIZED', async (path) => {
		expect(await call(callerAs(app, null), path, { orgId })).toEqual({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
	});

	it('sees a signed-in caller get past the same gate (the negative beside the refusals)', async () => {
		expect(await call(callerAs(app, outsider), 'orgs.list', undefined)).toBeNull();
	});
});

describe('(c) declarations', () => {
	it.each([...orgScoped, ...resourceScoped].map(([path, p]) => [path, p._def.meta ?? {}] as const))(
		'%s declares a known permission or ownerOnly',
		(_path, meta) => {
			expect(meta.permission !== undefined || meta.ownerOnly === true).toBe(true);
			if (meta.permission !== undefined) expect(PERMISSIONS).toContain(meta.permission);
		}
	);

	it('no procedure outside orgProcedure takes an orgId, unless listed on purpose', () => {
		const stray = all
			.filter(([path, p]) => !isOrgScoped(p) && takesOrgId(p) && !ORG_ID_OUTSIDE_ORG_PROCEDURE.has(path))
			.map(([path]) => path);
		expect(stray).toEqual([]);
	});

	it('orgProcedure itself refuses a procedure that declares nothing', async () => {
		const undeclared = router({ leak: orgProcedure.query(() => 'leaked') });
		const caller = createCallerFactory(undeclared)(
			createContextInner({ app, auth: authStateFor(owner), request: { ipAddress: '10.0.0.1', userAgent: 'vitest' } })
		);
		await expect(caller.leak({ orgId })).rejects.toMatchObject({ code: 'INTERNAL_SERVER_ERROR', message: 'Procedure declares no permission' });
	});
});

describe('(b) org-scoped procedures', () => {
	it.each(orgScoped.map(([path]) => [path]))('%s refuses an outsider and an unknown org alike (NOT_FOUND)', async (path) => {
		expect(await call(callerAs(app, outsider), path, { orgId })).toEqual(NOT_FOUND);
		expect(await call(callerAs(app, owner), path, { orgId: crypto.randomUUID() })).toEqual(NOT_FOUND);
	});

	it.each(orgScoped.map(([path, p]) => [path, p._def.meta ?? {}] as const))(
		'%s refuses a member lacking what it declares (FORBIDDEN), and lets one holding it through',
		async (path, meta) => {
			if (meta.ownerOnly) {
				const refused = await call(callerAs(app, nonOwnerAdmin), path, { orgId });
				expect(refused).toEqual({ code: 'FORBIDDEN', message: 'Only an owner of this organization may do that' });
				// An owner passes the gate; a throwaway org, since the call may really run (delete).
				const spare = await orgWithOwner(app, 'Spare');
				const passed = await call(callerAs(app, spare.owner), path, { orgId: spare.org.id });
				expect(passed).not.toEqual(refused);
				expect(passed).not.toEqual(NOT_FOUND);
			}
			if (meta.permission) {
				const lacking = withoutPermission.get(meta.permission)!;
				const expected = meta.ownerOnly ? 'Only an owner of this organization may do that' : `Permission denied: ${meta.permission}`;
				expect(await call(callerAs(app, lacking), path, { orgId })).toEqual({ code: 'FORBIDDEN', message: expected });
				if (!meta.ownerOnly) {
					const holding = withOnlyPermission.get(meta.permission)!;
					const passed = await call(callerAs(app, holding), path, { orgId });
					expect(passed).not.toEqual({ code: 'FORBIDDEN', message: expected });
					expect(passed).not.toEqual(NOT_FOUND);
				}
			}
		}
	);

	it('left the walked org with its owner and every member after all those calls', async () => {
		const members = await listMembers(app, orgId);
		expect(members.filter((m) => m.isOwner).map((m) => m.userId)).toEqual([owner.id]);
		expect(members).toHaveLength(2 + PERMISSIONS.length * 2);
	});
});

describe('(d) procedures addressed by an instance slug or a server id', () => {
	let shared: WalkedResource;
	beforeAll(async () => {
		shared = await walkedResource();
	});

	it.each(resourceScoped.map(([path, p]) => [path, resourceNotFound(p)!] as const))(
		'%s refuses an outsider exactly as it refuses an unknown slug or id (NOT_FOUND)',
		async (path, message) => {
			const refused = { code: 'NOT_FOUND', message };
			expect(await call(callerAs(app, outsider), path, { orgId, ...shared })).toEqual(refused);
			const unknown = {
				orgId,
				slug: `nobody-${randomBytes(4).toString('hex')}`,
				serverId: crypto.randomUUID(),
				projectId: crypto.randomUUID(),
				environmentId: crypto.randomUUID()
			};
			expect(await call(callerAs(app, owner), path, unknown)).toEqual(refused);
		}
	);

	it.each(resourceScoped.map(([path, p]) => [path, p._def.meta ?? {}, resourceNotFound(p)!] as const))(
		'%s refuses a member lacking what it declares (FORBIDDEN), and lets one holding it through',
		async (path, meta, message) => {
			const permission = meta.permission!;
			const denied = { code: 'FORBIDDEN', message: `Permission denied: ${permission}` };
			expect(await call(callerAs(app, withoutPermission.get(permission)!), path, { orgId, ...shared })).toEqual(denied);
			// A resource of its own: the call may really run (delete).
			const own = await walkedResource();
			const passed = await call(callerAs(app, withOnlyPermission.get(permission)!), path, { orgId, ...own });
			expect(passed).not.toEqual(denied);
			expect(passed).not.toEqual({ code: 'NOT_FOUND', message });
		}
	);
});

describe('(e) the invitee\'s procedures', () => {
	it('include accept and decline', () => {
		expect(byInvitationId.map(([path]) => path)).toEqual(expect.arrayContaining(['invitations.accept', 'invitations.decline']));
	});

	it.each(byInvitationId.map(([path]) => [path]))('%s refuses someone else\'s invitation (NOT_FOUND) and changes nothing', async (path) => {
		const invitee = await insertUser(app, 'invitee');
		const invitation = await inviteMember(app, acting(owner), orgId, { email: invitee.email, role: 'Viewer' });
		const notFound = { code: 'NOT_FOUND', message: 'Invitation not found' };
		for (const stranger of [outsider, nonOwnerAdmin, owner]) {
			expect(await call(callerAs(app, stranger), path, { invitationId: invitation.id })).toEqual(notFound);
		}
		expect(await call(callerAs(app, owner), path, { invitationId: crypto.randomUUID() })).toEqual(notFound);
		expect((await listOrgInvitations(app, orgId)).find((i) => i.id === invitation.id)).toMatchObject({ status: 'pending' });
		await revokeInvitation(app, acting(owner), orgId, { invitationId: invitation.id });
	});

	it('invitations.byToken shows an invitation only to its invitee', async () => {
		const invitee = await insertUser(app, 'invitee');
		await inviteMember(app, acting(owner), orgId, { email: invitee.email, role: 'Viewer' });
		const token = await mailedToken(app, invitee.email);
		expect(await call(callerAs(app, outsider), 'invitations.byToken', { token })).toEqual({ code: 'NOT_FOUND', message: 'Invitation not found' });
		expect(await callerAs(app, invitee).invitations.byToken({ token })).toMatchObject({ email: invitee.email, status: 'pending' });
	});
});
