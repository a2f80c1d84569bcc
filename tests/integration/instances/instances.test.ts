/**
 * Instances through the tRPC router and the services, against real containers: creation rules,
 * who sees and who changes what, start/stop through Docker with the status read back, the status
 * following changes made outside oCore, a dead engine not hanging listings, audit rows, and the
 * gateway's lookup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findInstanceBySlugForGateway, resolveDockerEndpoint } from '../../../src/lib/server/instances/gateway';
import { instanceSlugSchema } from '../../../src/lib/server/instances/schemas';
import { createInstance, listInstances } from '../../../src/lib/server/instances/service';
import { createRole } from '../../../src/lib/server/orgs/roles';
import { createTestApp, type TestApp } from '../../helpers/app';
import { docker, ensureTestImage, removeTestContainers, requireDocker, startTestContainer } from '../../helpers/docker';
import { startTlsDockerProxy } from '../../helpers/docker-endpoints';
import { socketServer } from '../../helpers/instances';
import { acting, auditRows, callerAs, insertUser, joinOrg, orgWithOwner, uniqueSlug, type TestUser } from '../../helpers/orgs';

const hasDocker = await requireDocker('instance tests');

const errorOf = (p: Promise<unknown>) => p.then(() => null, (e: { code: string; message: string }) => ({ code: e.code, message: e.message }));
const containerState = async (name: string) => (await docker.getContainer(name).inspect()).State.Running;

let app: TestApp;
let owner: TestUser;
let developer: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let orgId: string;
let serverId: string;

beforeAll(async () => {
	if (!hasDocker) return;
	await ensureTestImage();
	// The TLS engine of these tests listens on loopback.
	app = await createTestApp({ DOCKER_ALLOW_PRIVATE_HOSTS: '127.0.0.1' });
	const fixture = await orgWithOwner(app, 'Instances Co');
	({ owner } = fixture);
	orgId = fixture.org.id;
	serverId = (await socketServer(app, owner, orgId)).id;
	const member = async (role: string) => {
		const user = await insertUser(app, role.toLowerCase());
		await joinOrg(app, owner, orgId, user, role);
		return user;
	};
	developer = await member('Developer');
	viewer = await member('Viewer');
	outsider = await insertUser(app, 'outsider');
}, 20 * 60_000);
afterAll(async () => {
	await removeTestContainers();
	await app?.close();
});

describe.skipIf(!hasDocker)('creating instances', () => {
	it('creates with manage:instances (status read from Docker at once), audited', async () => {
		const container = await startTestContainer('create', { org: orgId });
		const slug = uniqueSlug('shop');
		const created = await callerAs(app, developer).instances.create({
			orgId,
			slug,
			name: 'Shop',
			serverId,
			container: container.name,
			project: 'webshop',
			environment: 'staging'
		});
		const environmentId = (await callerAs(app, owner).projects.list({ orgId }))
			.find((p) => p.name === 'webshop')!
			.environments.find((e) => e.name === 'staging')!.id;
		expect(created).toEqual({
			id: expect.any(String),
			orgId,
			slug,
			name: 'Shop',
			projectId: expect.any(String),
			project: 'webshop',
			environmentId,
			environment: 'staging',
			serverId,
			container: container.name,
			status: 'running',
			createdAt: expect.any(Date),
			updatedAt: expect.any(Date)
		});
		expect((await auditRows(app, orgId)).at(-1)).toMatchObject({
			action: 'instance.created',
			actorUserId: developer.id,
			targetType: 'instance',
			targetId: created.id,
			metadata: { slug, name: 'Shop', project: 'webshop', environment: 'staging', environmentId, container: container.name, serverId }
		});
	});

	it('places an instance in the environment named by environmentId, shown by name in lists', async () => {
		const project = await callerAs(app, developer).projects.create({ orgId, name: `crm-${uniqueSlug('p')}` });
		const environment = await callerAs(app, developer).projects.environments.create({ projectId: project.id, name: 'production' });
		const container = await startTestContainer('placed', { org: orgId });
		const slug = uniqueSlug('crm');
		const created = await callerAs(app, developer).instances.create({ orgId, slug, name: 'CRM', serverId, container: container.name, environmentId: environment.id });
		expect(created).toMatchObject({ projectId: project.id, project: project.name, environmentId: environment.id, environment: 'production' });
		expect((await callerAs(app, viewer).instances.list({ orgId })).find((i) => i.slug === slug)).toMatchObject({
			project: project.name,
			environment: 'production'
		});
		const [listed] = (await callerAs(app, viewer).projects.environments.list({ projectId: project.id })).filter((e) => e.id === environment.id);
		expect(listed).toMatchObject({ instanceCount: 1 });
		// Renaming the environment renames it on the instance: the name is read through the link.
		await callerAs(app, developer).projects.environments.rename({ environmentId: environment.id, name: 'prod' });
		expect(await callerAs(app, viewer).instances.get({ slug })).toMatchObject({ environment: 'prod' });
	});

	it('still takes the deprecated project/environment names, finding what exists and creating what does not', async () => {
		const name = `legacy-${uniqueSlug('p')}`;
		const existing = await callerAs(app, owner).projects.create({ orgId, name });
		const first = await callerAs(app, developer).instances.create({
			orgId,
			slug: uniqueSlug('leg'),
			name: 'Legacy 1',
			serverId,
			container: (await startTestContainer('legacy1', { org: orgId })).name,
			project: name,
			environment: 'qa'
		});
		expect(first).toMatchObject({ projectId: existing.id, project: name, environment: 'qa' });
		const second = await callerAs(app, developer).instances.create({
			orgId,
			slug: uniqueSlug('leg'),
			name: 'Legacy 2',
			serverId,
			container: (await startTestContainer('legacy2', { org: orgId })).name,
			project: name,
			environment: 'qa'
		});
		expect(second.environmentId).toBe(first.environmentId);
		const actions = (await auditRows(app, orgId)).slice(-3).map((r) => [r.action, r.metadata.name ?? r.metadata.slug]);
		// The first call created the environment "qa" (audited); the second found it.
		expect(actions).toEqual([
			['environment.created', 'qa'],
			['instance.created', 'Legacy 1'],
			['instance.created', 'Legacy 2']
		]);
		// Neither name given: the org's "default" project and environment, as migration 0011 does.
		const bare = await callerAs(app, developer).instances.create({
			orgId,
			slug: uniqueSlug('bare'),
			name: 'Bare',
			serverId,
			container: (await startTestContainer('bare', { org: orgId })).name
		});
		expect(bare).toMatchObject({ project: 'default', environment: 'default' });
		expect(
			await errorOf(callerAs(app, developer).instances.create({ orgId, slug: uniqueSlug('both'), name: 'B', serverId, container: 'x', project: name, environmentId: first.environmentId }))
		).toEqual({ code: 'BAD_REQUEST', message: expect.stringContaining('Give environmentId, or the deprecated project and environment names, not both') });
	});

	it('refuses viewers (403), outsiders (404), another org’s server (404), a taken slug anywhere (409) and bad slugs (400)', async () => {
		const input = { orgId, slug: uniqueSlug('x'), name: 'X', serverId, container: (await startTestContainer('x', { org: orgId })).name };
		expect(await errorOf(callerAs(app, viewer).instances.create(input))).toEqual({ code: 'FORBIDDEN', message: 'Permission denied: manage:instances' });
		expect(await errorOf(callerAs(app, outsider).instances.create(input))).toEqual({ code: 'NOT_FOUND', message: 'Organization not found' });
		const other = await orgWithOwner(app, 'Elsewhere');
		const otherServer = await socketServer(app, other.owner, other.org.id);
		expect(await errorOf(callerAs(app, owner).instances.create({ ...input, serverId: otherServer.id }))).toEqual({
			code: 'NOT_FOUND',
			message: 'Server not found'
		});
		// Another org's environment is not found, exactly like one that does not exist.
		const theirProject = await callerAs(app, other.owner).projects.create({ orgId: other.org.id, name: 'theirs' });
		const theirEnvironment = await callerAs(app, other.owner).projects.environments.create({ projectId: theirProject.id, name: 'production' });
		for (const environmentId of [theirEnvironment.id, crypto.randomUUID()]) {
			expect(await errorOf(callerAs(app, owner).instances.create({ ...input, environmentId }))).toEqual({ code: 'NOT_FOUND', message: 'Environment not found' });
		}
		await callerAs(app, owner).instances.create(input);
		// Slugs are SSH user names: unique across every org.
		const theirs = (await startTestContainer('theirs', { org: other.org.id })).name;
		expect(await errorOf(callerAs(app, other.owner).instances.create({ ...input, orgId: other.org.id, serverId: otherServer.id, container: theirs }))).toEqual({
			code: 'CONFLICT',
			message: `The slug "${input.slug}" is already taken`
		});
		for (const slug of ['A-upper', 'x', '-dash', 'dash-', 'under_score', 'a'.repeat(64)]) {
			expect(await errorOf(callerAs(app, owner).instances.create({ ...input, slug }))).toMatchObject({ code: 'BAD_REQUEST' });
		}
		expect(await errorOf(callerAs(app, owner).instances.create({ ...input, slug: 'ok-slug-' + uniqueSlug(), container: '../images/x' }))).toEqual({
			code: 'BAD_REQUEST',
			message: expect.stringContaining('Container must be a Docker container name or id')
		});
		// Two characters is enough, 63 the most.
		expect(instanceSlugSchema.safeParse('a1').success).toBe(true);
		expect(instanceSlugSchema.safeParse('a'.repeat(63)).success).toBe(true);
	});
});

describe.skipIf(!hasDocker)('reading and changing instances', () => {
	let slug: string;
	let container: string;
	beforeAll(async () => {
		container = (await startTestContainer('power', { org: orgId })).name;
		slug = (await createInstance(app, acting(owner), orgId, { slug: uniqueSlug('power'), name: 'Power', serverId, container })).slug;
	});

	it('shows it to members with view:instances; outsiders and unknown slugs get the same 404', async () => {
		expect(await callerAs(app, viewer).instances.get({ slug })).toMatchObject({ slug, status: 'running' });
		const notFound = { code: 'NOT_FOUND', message: 'Instance not found' };
		expect(await errorOf(callerAs(app, outsider).instances.get({ slug }))).toEqual(notFound);
		expect(await errorOf(callerAs(app, owner).instances.get({ slug: 'no-such-instance' }))).toEqual(notFound);
		expect(await errorOf(callerAs(app, null).instances.get({ slug }))).toEqual({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
		const listed = await callerAs(app, viewer).instances.list({ orgId });
		expect(listed.map((i) => i.slug)).toContain(slug);
		expect(await errorOf(callerAs(app, outsider).instances.list({ orgId }))).toEqual({ code: 'NOT_FOUND', message: 'Organization not found' });
	});

	it('lets viewers neither start, stop nor delete (403 naming manage:instances); outsiders get 404', async () => {
		const denied = { code: 'FORBIDDEN', message: 'Permission denied: manage:instances' };
		expect(await errorOf(callerAs(app, viewer).instances.stop({ slug }))).toEqual(denied);
		expect(await errorOf(callerAs(app, viewer).instances.start({ slug }))).toEqual(denied);
		expect(await errorOf(callerAs(app, viewer).instances.delete({ slug }))).toEqual(denied);
		expect(await errorOf(callerAs(app, outsider).instances.stop({ slug }))).toEqual({ code: 'NOT_FOUND', message: 'Instance not found' });
		expect(await containerState(container)).toBe(true);
	});

	it('stops and starts the container through Docker; the status is what Docker reports; both audited', async () => {
		const stopped = await callerAs(app, developer).instances.stop({ slug });
		expect(stopped).toMatchObject({ slug, status: 'stopped' });
		expect(await containerState(container)).toBe(false);
		expect((await auditRows(app, orgId)).at(-1)).toMatchObject({
			action: 'instance.stopped',
			actorUserId: developer.id,
			metadata: { slug, container, status: 'stopped' }
		});
		const started = await callerAs(app, developer).instances.start({ slug });
		expect(started).toMatchObject({ slug, status: 'running' });
		expect(started.updatedAt.getTime()).toBeGreaterThanOrEqual(stopped.updatedAt.getTime());
		expect(await containerState(container)).toBe(true);
		expect((await auditRows(app, orgId)).at(-1)).toMatchObject({ action: 'instance.started', metadata: { slug, status: 'running' } });
		// Starting what runs is fine, and still audited with the real status.
		expect(await callerAs(app, developer).instances.start({ slug })).toMatchObject({ status: 'running' });
	});

	it('follows changes made outside oCore: docker stop, docker start, a removed container', async () => {
		await docker.getContainer(container).stop();
		expect(await callerAs(app, viewer).instances.get({ slug })).toMatchObject({ status: 'stopped' });
		await docker.getContainer(container).start();
		const listed = await callerAs(app, viewer).instances.listMine();
		expect(listed.find((i) => i.slug === slug)).toMatchObject({ status: 'running' });
		const gone = (await startTestContainer('gone', { org: orgId })).name;
		const doomed = await createInstance(app, acting(owner), orgId, { slug: uniqueSlug('gone'), name: 'Gone', serverId, container: gone });
		expect(doomed.status).toBe('running');
		await docker.getContainer(gone).remove({ force: true });
		expect(await callerAs(app, viewer).instances.get({ slug: doomed.slug })).toMatchObject({ status: 'stopped' });
		expect(await errorOf(callerAs(app, owner).instances.start({ slug: doomed.slug }))).toEqual({
			code: 'CONFLICT',
			message: `Container "${gone}" does not exist on server "${(await callerAs(app, owner).servers.list({ orgId }))[0]!.name}"`
		});
	});

	it('deletes the instance only (audited); the container keeps running', async () => {
		const keep = (await startTestContainer('keep', { org: orgId })).name;
		const doomed = await createInstance(app, acting(owner), orgId, { slug: uniqueSlug('del'), name: 'Del', serverId, container: keep });
		expect(await callerAs(app, developer).instances.delete({ slug: doomed.slug })).toEqual({ slug: doomed.slug });
		expect(await errorOf(callerAs(app, owner).instances.get({ slug: doomed.slug }))).toEqual({ code: 'NOT_FOUND', message: 'Instance not found' });
		expect((await auditRows(app, orgId)).at(-1)).toMatchObject({ action: 'instance.deleted', targetId: doomed.id, metadata: { slug: doomed.slug } });
		expect(await containerState(keep)).toBe(true);
	});
});

describe.skipIf(!hasDocker)('listing across orgs, dead engines, the gateway lookup', () => {
	it('lists every org where the caller holds view:instances, and only those', async () => {
		const a = await orgWithOwner(app, 'A');
		const b = await orgWithOwner(app, 'B');
		const user = await insertUser(app, 'multi');
		await createRole(app, acting(b.owner), b.org.id, { name: 'keys-only', permissions: ['view:ssh_keys'] });
		await joinOrg(app, a.owner, a.org.id, user, 'Viewer');
		await joinOrg(app, b.owner, b.org.id, user, 'keys-only');
		const serverA = await socketServer(app, a.owner, a.org.id);
		const serverB = await socketServer(app, b.owner, b.org.id);
		const containerA = (await startTestContainer('list-a', { org: a.org.id })).name;
		const containerB = (await startTestContainer('list-b', { org: b.org.id })).name;
		const inA = await createInstance(app, acting(a.owner), a.org.id, { slug: uniqueSlug('a'), name: 'A', serverId: serverA.id, container: containerA });
		const inB = await createInstance(app, acting(b.owner), b.org.id, { slug: uniqueSlug('b'), name: 'B', serverId: serverB.id, container: containerB });
		expect((await callerAs(app, user).instances.listMine()).map((i) => i.slug)).toEqual([inA.slug]);
		expect((await callerAs(app, b.owner).instances.listMine()).map((i) => i.slug)).toEqual([inB.slug]);
		expect(await errorOf(callerAs(app, user).instances.get({ slug: inB.slug }))).toEqual({
			code: 'FORBIDDEN',
			message: 'Permission denied: view:instances'
		});
		expect(await callerAs(app, insertUserCaller()).instances.listMine()).toEqual([]);
	});

	it('keeps the stored status, quickly, when the engine stops answering; binding on a dead engine stores nothing (502)', async () => {
		const proxy = await startTlsDockerProxy();
		const { material } = proxy;
		const port = (proxy.endpoint as { port: number }).port;
		const { owner: o, org } = await orgWithOwner(app, 'Dead');
		const server = await callerAs(app, o).servers.create({
			orgId: org.id,
			name: 'remote',
			kind: 'tcp',
			endpoint: `127.0.0.1:${port}`,
			tls: { ca: material.ca, cert: material.clientCert, key: material.clientKey }
		});
		const container = (await startTestContainer('remote', { org: org.id })).name;
		const created = await createInstance(app, acting(o), org.id, { slug: uniqueSlug('dead'), name: 'D', serverId: server.id, container });
		expect(created.status).toBe('running');
		await proxy.stop();
		const started = Date.now();
		expect(await listInstances(app, org.id)).toEqual([created]);
		expect(Date.now() - started).toBeLessThan(5_000);
		const unreachable = { code: 'BAD_GATEWAY', message: `The Docker engine of server "remote" is unreachable` };
		expect(await errorOf(callerAs(app, o).instances.start({ slug: created.slug }))).toEqual(unreachable);
		expect(await errorOf(callerAs(app, o).instances.create({ orgId: org.id, slug: uniqueSlug('dead'), name: 'D', serverId: server.id, container }))).toEqual(unreachable);
		expect((await listInstances(app, org.id)).map((i) => i.slug)).toEqual([created.slug]);
	});

	it('finds an instance and its server for the gateway; nothing for unknown or impossible slugs', async () => {
		const container = (await startTestContainer('gw', { org: orgId })).name;
		const created = await createInstance(app, acting(owner), orgId, { slug: uniqueSlug('gw'), name: 'GW', serverId, container });
		const found = await findInstanceBySlugForGateway(app.db, created.slug);
		expect(found?.instance).toMatchObject({ id: created.id, slug: created.slug, orgId, container, status: 'running' });
		expect(found?.server).toMatchObject({ id: serverId, kind: 'socket' });
		expect(resolveDockerEndpoint(app, found!.server)).toEqual({ kind: 'socket', socketPath: app.config.dockerSocketPath });
		expect(await findInstanceBySlugForGateway(app.db, 'no-such-slug')).toBeNull();
		expect(await findInstanceBySlugForGateway(app.db, "x' or 1=1 --")).toBeNull();
	});
});

function insertUserCaller(): TestUser {
	return { id: crypto.randomUUID(), email: 'nobody@example.test', name: 'nobody' };
}
