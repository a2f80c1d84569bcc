/**
 * The documented REST contract for /api/servers and /api/instances over real HTTP against the built
 * server, with start/stop acting on a real container: each success with the refusals beside it
 * (401, 404 for outsiders, 403 naming the permission, 400 naming the field, 409). Then container
 * assignment across two orgs on the one local engine, and start failures (409 missing container, 502
 * unreachable engine) with their log line.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueEmail } from '../../helpers/app';
import { docker, ensureTestImage, removeTestContainers, requireDocker, startTestContainer } from '../../helpers/docker';
import { makeTlsMaterial, startTlsDockerProxy } from '../../helpers/docker-endpoints';
import { api, inviteAndAccept, signUpAndLogin } from '../../helpers/http';
import { uniqueSlug } from '../../helpers/orgs';

const hasDocker = await requireDocker('REST instance tests');

type Account = { accessToken: string; user: { id: string; email: string } };
/** ADMIN_EMAILS of the test server (global-setup) makes this account a platform admin. */
const ADMIN_EMAIL = 'admin@integration.test';
const ADMIN_PASSWORD = 'integration admin 42';

async function platformAdmin(): Promise<Account> {
	// The account may exist from an earlier run against the same database.
	const signup = await api('POST', '/api/auth/signup', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, name: 'Admin' } });
	if (signup.status !== 201 && signup.status !== 409) throw new Error(`admin signup: ${signup.status}`);
	const login = await api('POST', '/api/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
	if (login.status !== 200) throw new Error(`admin login: ${login.status} ${JSON.stringify(login.body)}`);
	return login.body;
}

let admin: Account;
let owner: Account;
let viewer: Account;
let outsider: Account;
let orgId: string;
let socketServerId: string;
let containerName: string;

const unauthorized = { status: 401, body: { error: 'unauthorized', message: 'Sign in to continue' } };
const running = async (name: string) => (await docker.getContainer(name).inspect()).State.Running;

beforeAll(async () => {
	[admin, owner, viewer, outsider] = await Promise.all([
		platformAdmin(),
		signUpAndLogin(uniqueEmail('owner')),
		signUpAndLogin(uniqueEmail('viewer')),
		signUpAndLogin(uniqueEmail('outsider'))
	]);
	const org = await api('POST', '/api/orgs', { token: admin.accessToken, body: { name: 'Rest Instances', slug: uniqueSlug('rest-inst') } });
	orgId = org.body.id;
	for (const [account, role] of [[owner, 'Admin'], [viewer, 'Viewer']] as const) {
		const added = await inviteAndAccept(orgId, admin.accessToken, { token: account.accessToken, email: account.user.email }, role);
		if (added.status !== 200) throw new Error(`setup: ${added.status} ${JSON.stringify(added.body)}`);
	}
	const server = await api('POST', '/api/servers', {
		token: admin.accessToken,
		body: { orgId, name: 'local', kind: 'socket', endpoint: '/var/run/docker.sock' }
	});
	if (server.status !== 201) throw new Error(`setup: ${server.status} ${JSON.stringify(server.body)}`);
	socketServerId = server.body.id;
	if (hasDocker) {
		await ensureTestImage();
		containerName = (await startTestContainer('rest', { org: orgId })).name;
	}
}, 20 * 60_000);
afterAll(() => removeTestContainers());

describe('POST /api/servers, GET /api/servers, DELETE /api/servers/{id}', () => {
	it('registers a TLS engine (201) without ever returning its key, and lists the org’s servers', async () => {
		const tls = makeTlsMaterial();
		// An engine belongs to one org, and other suites share this database: a host of this test's own.
		const endpoint = `${uniqueSlug('docker')}.example.test:2376`;
		const created = await api('POST', '/api/servers', {
			token: owner.accessToken,
			body: { orgId, name: 'remote', kind: 'tcp', endpoint, tls: { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey } }
		});
		expect(created.status).toBe(201);
		expect(created.body).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			orgId,
			name: 'remote',
			kind: 'tcp',
			endpoint,
			hasTlsKey: true,
			hasSshPrivateKey: false,
			hasSshPassword: false,
			sshHostKeyFingerprint: null,
			createdAt: expect.any(String)
		});
		const listed = await api('GET', `/api/servers?orgId=${orgId}`, { token: viewer.accessToken });
		expect(listed.status).toBe(200);
		expect(listed.body.servers.map((s: { name: string }) => s.name)).toEqual(['local', 'remote']);
		expect(JSON.stringify(listed.body)).not.toContain('PRIVATE KEY');
		expect(await api('DELETE', `/api/servers/${created.body.id}`, { token: owner.accessToken })).toMatchObject({ status: 204, body: null });
	});

	it('refuses anonymous callers, outsiders, viewers, non-admins on the socket, bad bodies and servers in use', async () => {
		const body = { orgId, name: 'x', kind: 'socket', endpoint: '/var/run/docker.sock' };
		expect(await api('POST', '/api/servers', { body })).toMatchObject(unauthorized);
		expect(await api('GET', `/api/servers?orgId=${orgId}`)).toMatchObject(unauthorized);
		expect(await api('POST', '/api/servers', { token: outsider.accessToken, body })).toMatchObject({
			status: 404,
			body: { error: 'not_found', message: 'Organization not found' }
		});
		expect(await api('POST', '/api/servers', { token: viewer.accessToken, body })).toMatchObject({
			status: 403,
			body: { error: 'forbidden', message: 'Permission denied: manage:servers' }
		});
		expect(await api('POST', '/api/servers', { token: owner.accessToken, body })).toMatchObject({
			status: 403,
			body: { error: 'forbidden', message: 'Only a platform administrator may register the local Docker socket' }
		});
		expect(await api('POST', '/api/servers', { token: owner.accessToken, body: { ...body, kind: 'tcp', endpoint: 'h:1' } })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'tls: A tcp server needs TLS client certificates: tls {ca, cert, key}' }
		});
		expect(await api('GET', '/api/servers', { token: owner.accessToken })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
		expect(await api('DELETE', `/api/servers/${socketServerId}`, { token: outsider.accessToken })).toMatchObject({
			status: 404,
			body: { error: 'not_found', message: 'Server not found' }
		});
		expect(await api('DELETE', `/api/servers/${socketServerId}`, { token: viewer.accessToken })).toMatchObject({ status: 403 });
		expect(await api('DELETE', '/api/servers/not-a-uuid', { token: owner.accessToken })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'serverId: serverId must be a UUID' }
		});
	});
});

describe.skipIf(!hasDocker)('POST /api/instances, GET /api/instances[/{slug}], start and stop', () => {
	let slug: string;

	it('creates an instance (201) whose status is the container’s, and refuses bad or taken slugs', async () => {
		slug = uniqueSlug('rest');
		const body = { slug, name: 'Rest shop', orgId, serverId: socketServerId, container: containerName, project: 'shop', environment: 'prod' };
		const created = await api('POST', '/api/instances', { token: owner.accessToken, body });
		expect(created.status).toBe(201);
		expect(created.body).toEqual({
			id: expect.any(String),
			orgId,
			slug,
			name: 'Rest shop',
			projectId: expect.stringMatching(/^[0-9a-f-]{36}$/),
			project: 'shop',
			environmentId: expect.stringMatching(/^[0-9a-f-]{36}$/),
			environment: 'prod',
			serverId: socketServerId,
			container: containerName,
			status: 'running',
			createdAt: expect.any(String),
			updatedAt: expect.any(String)
		});
		expect(await api('POST', '/api/instances', { token: owner.accessToken, body })).toMatchObject({
			status: 409,
			body: { error: 'conflict', message: `The slug "${slug}" is already taken` }
		});
		expect(await api('POST', '/api/instances', { token: owner.accessToken, body: { ...body, slug: 'Bad Slug' } })).toMatchObject({
			status: 400,
			body: {
				error: 'invalid_request',
				message: 'slug: Slug may contain only lowercase letters, digits and dashes, and must start and end with a letter or digit'
			}
		});
		expect(await api('POST', '/api/instances', { token: viewer.accessToken, body: { ...body, slug: uniqueSlug() } })).toMatchObject({
			status: 403,
			body: { error: 'forbidden', message: 'Permission denied: manage:instances' }
		});
		expect(await api('POST', '/api/instances', { body })).toMatchObject(unauthorized);
	});

	it('lists the caller’s instances across orgs or for one org, and reads one by slug; outsiders see nothing', async () => {
		const mine = await api('GET', '/api/instances', { token: viewer.accessToken });
		expect(mine.status).toBe(200);
		expect(mine.body.instances).toEqual([expect.objectContaining({ slug, status: 'running' })]);
		const inOrg = await api('GET', `/api/instances?orgId=${orgId}`, { token: viewer.accessToken });
		expect(inOrg.body.instances.map((i: { slug: string }) => i.slug)).toEqual([slug]);
		expect(await api('GET', `/api/instances/${slug}`, { token: viewer.accessToken })).toMatchObject({ status: 200, body: { slug, orgId } });
		expect(await api('GET', '/api/instances', { token: outsider.accessToken })).toMatchObject({ status: 200, body: { instances: [] } });
		expect(await api('GET', `/api/instances?orgId=${orgId}`, { token: outsider.accessToken })).toMatchObject({ status: 404 });
		expect(await api('GET', `/api/instances/${slug}`, { token: outsider.accessToken })).toMatchObject({
			status: 404,
			body: { error: 'not_found', message: 'Instance not found' }
		});
		expect(await api('GET', '/api/instances')).toMatchObject(unauthorized);
	});

	it('stops and starts the real container (200 with the new status); viewers get 403', async () => {
		expect(await api('POST', `/api/instances/${slug}/stop`, { token: viewer.accessToken })).toMatchObject({
			status: 403,
			body: { error: 'forbidden', message: 'Permission denied: manage:instances' }
		});
		expect(await api('POST', `/api/instances/${slug}/stop`, { token: outsider.accessToken })).toMatchObject({ status: 404 });
		expect(await api('POST', `/api/instances/${slug}/stop`)).toMatchObject(unauthorized);
		expect(await running(containerName)).toBe(true);

		const stopped = await api('POST', `/api/instances/${slug}/stop`, { token: owner.accessToken });
		expect(stopped).toMatchObject({ status: 200, body: { slug, status: 'stopped' } });
		expect(await running(containerName)).toBe(false);
		expect(await api('GET', `/api/instances/${slug}`, { token: viewer.accessToken })).toMatchObject({ body: { status: 'stopped' } });

		const started = await api('POST', `/api/instances/${slug}/start`, { token: owner.accessToken });
		expect(started).toMatchObject({ status: 200, body: { slug, status: 'running' } });
		expect(await running(containerName)).toBe(true);

		// Changed outside oCore: the next read says so.
		await docker.getContainer(containerName).stop();
		expect(await api('GET', `/api/instances?orgId=${orgId}`, { token: viewer.accessToken })).toMatchObject({
			body: { instances: [expect.objectContaining({ slug, status: 'stopped' })] }
		});
		await docker.getContainer(containerName).start();

		const log = await api('GET', `/api/orgs/${orgId}/audit-logs?action=instance.stopped`, { token: admin.accessToken });
		expect(log.body.items[0]).toMatchObject({ action: 'instance.stopped', actorEmail: owner.user.email, metadata: { slug, status: 'stopped' } });
	}, 60_000);

	it('deletes the instance (204), then the server it was on (204); the server refuses while in use (409)', async () => {
		expect(await api('DELETE', `/api/servers/${socketServerId}`, { token: owner.accessToken })).toMatchObject({
			status: 409,
			body: { error: 'conflict', message: 'Server "local" still has 1 instance(s); delete them first' }
		});
		expect(await api('DELETE', `/api/instances/${slug}`, { token: viewer.accessToken })).toMatchObject({ status: 403 });
		expect(await api('DELETE', `/api/instances/${slug}`, { token: owner.accessToken })).toMatchObject({ status: 204 });
		expect(await api('GET', `/api/instances/${slug}`, { token: owner.accessToken })).toMatchObject({ status: 404 });
		expect(await api('DELETE', `/api/servers/${socketServerId}`, { token: owner.accessToken })).toMatchObject({ status: 204 });
		expect(await running(containerName)).toBe(true);
	});
});

describe.skipIf(!hasDocker)('container assignment and engine failures through the built server', () => {
	let otherOrg: string;
	let otherServer: string;
	let ourServer: string;
	let proxy: Awaited<ReturnType<typeof startTlsDockerProxy>> | undefined;
	beforeAll(async () => {
		// A second tenant on the same local engine: its own org and socket server, run by the platform admin.
		const org = await api('POST', '/api/orgs', { token: admin.accessToken, body: { name: 'Rest Tenant', slug: uniqueSlug('rest-tenant') } });
		otherOrg = org.body.id;
		const server = await api('POST', '/api/servers', {
			token: admin.accessToken,
			body: { orgId: otherOrg, name: 'local', kind: 'socket', endpoint: '/var/run/docker.sock' }
		});
		otherServer = server.body.id;
		// The org above lost its socket server at the end of the previous block.
		const ours = await api('POST', '/api/servers', { token: admin.accessToken, body: { orgId, name: 'local', kind: 'socket', endpoint: '/var/run/docker.sock' } });
		ourServer = ours.body.id;
	});
	afterAll(() => proxy?.stop());

	const create = (token: string, org: string, serverId: string, container: string, slug = uniqueSlug('x')) =>
		api('POST', '/api/instances', { token, body: { slug, name: 'X', orgId: org, serverId, container } });

	/** The server's warn lines about `verb` on `slug`, once they reach the log file. */
	async function warnLines(verb: string, slug: string): Promise<string[]> {
		const deadline = Date.now() + 5_000;
		for (;;) {
			const lines = readFileSync(inject('serverLogFile'), 'utf8')
				.split('\n')
				.filter((line) => line.includes(`"instance ${verb} failed"`) && line.includes(`"instance":"${slug}"`));
			if (lines.length > 0 || Date.now() > deadline) return lines;
			await new Promise((r) => setTimeout(r, 50));
		}
	}

	it('refuses to bind another org’s container, by name or id (409 naming the label, not the org)', async () => {
		const theirs = await startTestContainer('rest-theirs', { org: otherOrg });
		for (const container of [theirs.name, theirs.id]) {
			const refused = await create(owner.accessToken, orgId, ourServer, container);
			expect(refused).toMatchObject({
				status: 409,
				body: { error: 'conflict', message: expect.stringContaining(`is not assigned to this organization; a platform administrator assigns a container by creating it with the label ocore.org=${orgId}`) }
			});
			expect(JSON.stringify(refused.body)).not.toContain(otherOrg);
		}
		expect(await running(theirs.name)).toBe(true);
		// Its own org binds it; then nobody else can, even with the label's org in hand.
		expect(await create(admin.accessToken, otherOrg, otherServer, theirs.name)).toMatchObject({ status: 201 });
		expect(await create(admin.accessToken, otherOrg, otherServer, theirs.id)).toMatchObject({
			status: 409,
			body: { error: 'conflict', message: `Container "${theirs.id}" on server "local" is already bound to an instance` }
		});
	});

	it('refuses engine endpoints on private addresses (400 naming endpoint)', async () => {
		const tls = makeTlsMaterial();
		const body = { orgId, name: 'inside', kind: 'tcp', endpoint: '[::1]:2375', tls: { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey } };
		expect(await api('POST', '/api/servers', { token: owner.accessToken, body })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: expect.stringMatching(/^endpoint: ::1 is a loopback address/) }
		});
		expect(await api('POST', '/api/servers', { token: owner.accessToken, body: { ...body, endpoint: '169.254.169.254:2375' } })).toMatchObject({ status: 400 });
	});

	it('answers start on a missing container with 409 and one warn line', async () => {
		const doomed = await startTestContainer('rest-missing', { org: otherOrg });
		const slug = uniqueSlug('missing');
		expect(await create(admin.accessToken, otherOrg, otherServer, doomed.name, slug)).toMatchObject({ status: 201 });
		await doomed.remove();
		expect(await api('POST', `/api/instances/${slug}/start`, { token: admin.accessToken })).toMatchObject({
			status: 409,
			body: { error: 'conflict', message: `Container "${doomed.name}" does not exist on server "local"` }
		});
		const lines = await warnLines('start', slug);
		expect(lines).toHaveLength(1);
		expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', reason: 'missing' });
	});

	it('answers start on an unreachable engine with 502 and one warn line without secrets', async () => {
		proxy = await startTlsDockerProxy();
		const { material } = proxy;
		const port = (proxy.endpoint as { port: number }).port;
		const server = await api('POST', '/api/servers', {
			token: admin.accessToken,
			body: { orgId: otherOrg, name: 'remote', kind: 'tcp', endpoint: `127.0.0.1:${port}`, tls: { ca: material.ca, cert: material.clientCert, key: material.clientKey } }
		});
		expect(server.status).toBe(201);
		const container = await startTestContainer('rest-remote', { org: otherOrg });
		const slug = uniqueSlug('remote');
		expect(await create(admin.accessToken, otherOrg, server.body.id, container.name, slug)).toMatchObject({ status: 201, body: { status: 'running' } });
		await proxy.stop();
		expect(await api('POST', `/api/instances/${slug}/start`, { token: admin.accessToken })).toMatchObject({
			status: 502,
			body: { error: 'bad_gateway', message: 'The Docker engine of server "remote" is unreachable' }
		});
		const lines = await warnLines('start', slug);
		expect(lines).toHaveLength(1);
		expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', reason: 'unreachable' });
		for (const secret of [material.clientKey, 'PRIVATE KEY', material.clientKey.split('\n')[1]!]) expect(lines[0]).not.toContain(secret);
	});
});
