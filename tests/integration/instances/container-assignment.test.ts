/**
 * Container assignment through the tRPC router, against real containers on the local engine that
 * every org's socket server reaches: a container is bound only by the org it is labelled for
 * (ocore.org=<orgId>), once, and an instance keeps acting on the container it was bound to when
 * names change. Remote (tcp) engines: unlabelled containers are the engine owner's; one labelled for
 * another org is refused. Engine addresses resolving to loopback are refused when connecting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app';
import { docker, ensureTestImage, removeTestContainers, requireDocker, startTestContainer } from '../../helpers/docker';
import { startTlsDockerProxy, type RemoteEngine, type TestTlsMaterial } from '../../helpers/docker-endpoints';
import { socketServer } from '../../helpers/instances';
import { auditRows, callerAs, orgWithOwner, uniqueSlug, type TestUser } from '../../helpers/orgs';

const hasDocker = await requireDocker('container assignment tests');

const errorOf = (p: Promise<unknown>) => p.then(() => null, (e: { code: string; message: string }) => ({ code: e.code, message: e.message }));
const running = async (name: string) => (await docker.getContainer(name).inspect()).State.Running;

type Tenant = { owner: TestUser; orgId: string; orgName: string; serverId: string; serverName: string };

let app: TestApp;
let a: Tenant;
let b: Tenant;

async function tenant(name: string): Promise<Tenant> {
	const { owner, org } = await orgWithOwner(app, name);
	const server = await socketServer(app, owner, org.id);
	return { owner, orgId: org.id, orgName: org.name, serverId: server.id, serverName: server.name };
}

const bind = (t: Tenant, container: string, serverId = t.serverId) =>
	callerAs(app, t.owner).instances.create({ orgId: t.orgId, slug: uniqueSlug('bind'), name: 'Bind', serverId, container });

const notAssigned = (t: Tenant, container: string) => ({
	code: 'CONFLICT',
	message:
		`Container "${container}" does not exist on server "${t.serverName}" or is not assigned to this organization; ` +
		`a platform administrator assigns a container by creating it with the label ocore.org=${t.orgId}`
});

beforeAll(async () => {
	if (!hasDocker) return;
	await ensureTestImage();
	// The TLS engine below listens on 127.0.0.1, which only this allow-list lets the backend reach.
	app = await createTestApp({ DOCKER_ALLOW_PRIVATE_HOSTS: '127.0.0.1' });
	a = await tenant('Tenant A');
	b = await tenant('Tenant B');
}, 20 * 60_000);
afterAll(async () => {
	await removeTestContainers();
	await app?.close();
});

describe.skipIf(!hasDocker)('binding containers on the shared local engine', () => {
	it('refuses another org’s container by name and by id, an unassigned one and a missing one alike, naming the label and nobody else', async () => {
		const theirs = await startTestContainer('theirs', { org: b.orgId });
		const unlabelled = await startTestContainer('unlabelled');
		const auditBefore = (await auditRows(app, a.orgId)).length;
		for (const container of [theirs.name, theirs.id, theirs.id.slice(0, 12), unlabelled.name, 'no-such-container-at-all']) {
			const refused = await errorOf(bind(a, container));
			expect(refused).toEqual(notAssigned(a, container));
			expect(refused!.message).not.toContain(b.orgId);
			expect(refused!.message).not.toContain(b.orgName);
		}
		expect(await callerAs(app, a.owner).instances.list({ orgId: a.orgId })).toEqual([]);
		expect(await auditRows(app, a.orgId)).toHaveLength(auditBefore);
		expect(await running(theirs.name)).toBe(true);
		// The org it is assigned to binds it.
		await expect(bind(b, theirs.name)).resolves.toMatchObject({ orgId: b.orgId, container: theirs.name, status: 'running' });
	});

	it('binds a container once: a second binding by name or id is 409 without saying who holds it', async () => {
		const ours = await startTestContainer('once', { org: a.orgId });
		const first = await bind(a, ours.name);
		const again = { code: 'CONFLICT', message: `Container "${ours.name}" on server "${a.serverName}" is already bound to an instance` };
		expect(await errorOf(bind(a, ours.name))).toEqual(again);
		expect(await errorOf(bind(a, ours.id))).toEqual({ ...again, message: again.message.replace(ours.name, ours.id) });
		// Through another socket server of the same org: the same engine.
		const second = await socketServer(app, a.owner, a.orgId);
		expect(await errorOf(bind(a, ours.name, second.id))).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('is already bound to an instance') });
		// Deleting the instance frees the container.
		await callerAs(app, a.owner).instances.delete({ slug: first.slug });
		await expect(bind(a, ours.id)).resolves.toMatchObject({ container: ours.id });
	});

	it('keeps acting on the bound container when another takes its name: status, stop and start never reach it', async () => {
		const ours = await startTestContainer('renamed', { org: a.orgId });
		const instance = await bind(a, ours.name);
		// Renamed away, and org B's container created under the old name.
		await docker.getContainer(ours.id).rename({ name: `${ours.name}-old` });
		const impostor = await startTestContainer(ours.name, { org: b.orgId, exactName: true });
		try {
			expect(await callerAs(app, a.owner).instances.stop({ slug: instance.slug })).toMatchObject({ status: 'stopped' });
			expect(await running(ours.id)).toBe(false);
			expect(await running(impostor.id)).toBe(true);
			expect(await callerAs(app, a.owner).instances.get({ slug: instance.slug })).toMatchObject({ status: 'stopped' });
			await ours.remove();
			expect(await errorOf(callerAs(app, a.owner).instances.start({ slug: instance.slug }))).toEqual({
				code: 'CONFLICT',
				message: `Container "${ours.name}" does not exist on server "${a.serverName}"`
			});
			expect(await errorOf(callerAs(app, a.owner).instances.stop({ slug: instance.slug }))).toMatchObject({ code: 'CONFLICT' });
			expect(await running(impostor.id)).toBe(true);
		} finally {
			await impostor.remove();
		}
	});
});

describe.skipIf(!hasDocker)('binding containers on a remote engine', () => {
	let proxy: RemoteEngine & { material: TestTlsMaterial };
	let port: number;
	beforeAll(async () => {
		proxy = await startTlsDockerProxy();
		port = (proxy.endpoint as { port: number }).port;
	});
	afterAll(() => proxy?.stop());

	const registerTcp = (t: Tenant, host: string) =>
		callerAs(app, t.owner).servers.create({
			orgId: t.orgId,
			name: `remote-${uniqueSlug()}`,
			kind: 'tcp',
			endpoint: `${host}:${port}`,
			tls: { ca: proxy.material.ca, cert: proxy.material.clientCert, key: proxy.material.clientKey }
		});

	it('binds unlabelled containers of the org’s own engine, refuses one labelled for another org', async () => {
		const server = await registerTcp(a, '127.0.0.1');
		const unlabelled = await startTestContainer('remote-own');
		await expect(bind(a, unlabelled.name, server.id)).resolves.toMatchObject({ status: 'running' });
		const theirs = await startTestContainer('remote-theirs', { org: b.orgId });
		const refused = await errorOf(bind(a, theirs.name, server.id));
		expect(refused).toEqual({
			code: 'CONFLICT',
			message: `Container "${theirs.name}" on server "${server.name}" is assigned to another organization (label ocore.org)`
		});
		expect(refused!.message).not.toContain(b.orgId);
	});

	it('refuses, at connect time, a host name that resolves to loopback (not in DOCKER_ALLOW_PRIVATE_HOSTS)', async () => {
		const server = await registerTcp(a, 'localhost');
		const ours = await startTestContainer('via-name', { org: a.orgId });
		expect(await errorOf(bind(a, ours.name, server.id))).toEqual({
			code: 'BAD_GATEWAY',
			message: `The Docker engine of server "${server.name}" is on a private or loopback address, which oCore does not connect to unless DOCKER_ALLOW_PRIVATE_HOSTS names it`
		});
	});
});
