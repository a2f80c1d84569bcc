/**
 * Servers through the tRPC router and the service: who may register which kind, input checks naming
 * the field, secrets sealed at rest and never returned, resolveDockerEndpoint opening them, deletion
 * rules and audit rows. No Docker engine is needed here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instances, servers } from '../../../src/lib/server/db/schema';
import { createServer, resolveDockerEndpoint } from '../../../src/lib/server/servers/service';
import { createTestApp, type TestApp } from '../../helpers/app';
import { makeTlsMaterial, type TestTlsMaterial } from '../../helpers/docker-endpoints';
import { adminCallerAs, serverActor } from '../../helpers/instances';
import { defaultEnvironmentId } from '../../helpers/projects';
import { acting, auditRows, callerAs, insertUser, joinOrg, orgWithOwner, uniqueSlug, type TestUser } from '../../helpers/orgs';

let app: TestApp;
let tls: TestTlsMaterial;
let sshKey: string;
let encryptedSshKey: string;

const errorOf = (p: Promise<unknown>) => p.then(() => null, (e: { code: string; message: string }) => ({ code: e.code, message: e.message }));

function sshKeypair(passphrase: string): string {
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'ocore-key-')), 'id');
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', file]);
	return readFileSync(file, 'utf8');
}

beforeAll(async () => {
	app = await createTestApp();
	tls = makeTlsMaterial();
	sshKey = sshKeypair('');
	encryptedSshKey = sshKeypair('a passphrase');
});
afterAll(() => app.close());

async function orgWithRoles() {
	const { owner, org } = await orgWithOwner(app, 'Servers Co');
	const member = async (role: string) => {
		const user = await insertUser(app, role.toLowerCase());
		await joinOrg(app, owner, org.id, user, role);
		return user;
	};
	return { owner, org, developer: await member('Developer'), viewer: await member('Viewer'), outsider: await insertUser(app, 'outsider') };
}

/** A tcp engine; its host is unique unless given, since a remote engine belongs to one org. */
const tcpInput = (name = `tcp-${uniqueSlug()}`, host = `docker-${uniqueSlug()}.example.test`) => ({
	name,
	kind: 'tcp' as const,
	endpoint: `${host}:2376`,
	tls: { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey }
});

describe('creating servers', () => {
	it('registers a TLS engine: 201-shaped view with flags only, the key sealed at rest and opened by resolveDockerEndpoint', async () => {
		const { owner, org } = await orgWithRoles();
		const created = await callerAs(app, owner).servers.create({ orgId: org.id, ...tcpInput('edge', 'docker.example.test') });
		expect(created).toEqual({
			id: expect.any(String),
			orgId: org.id,
			name: 'edge',
			kind: 'tcp',
			endpoint: 'docker.example.test:2376',
			hasTlsKey: true,
			hasSshPrivateKey: false,
			hasSshPassword: false,
			sshHostKeyFingerprint: null,
			createdAt: expect.any(Date)
		});
		const [row] = await app.db.select().from(servers).where(eq(servers.id, created.id));
		expect(row!.tlsKeyEncrypted).toMatch(/^v1:[0-9a-f]{8}:/);
		expect(row!.tlsKeyEncrypted).not.toContain('PRIVATE KEY');
		expect(resolveDockerEndpoint(app, row!)).toEqual({
			kind: 'tcp',
			host: 'docker.example.test',
			port: 2376,
			ca: tls.ca,
			cert: tls.clientCert,
			key: tls.clientKey
		});
		const listed = await callerAs(app, owner).servers.list({ orgId: org.id });
		expect(listed).toEqual([created]);
		expect(JSON.stringify(listed)).not.toContain('PRIVATE KEY');
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({
			action: 'server.created',
			targetType: 'server',
			targetId: created.id,
			metadata: { name: 'edge', kind: 'tcp', endpoint: 'docker.example.test:2376', hasTlsKey: true }
		});
		expect(JSON.stringify(await auditRows(app, org.id))).not.toContain('PRIVATE KEY');
	});

	it('registers an SSH engine with key, password and pinned host key; a sealed value moved to another row does not open', async () => {
		const { owner, org } = await orgWithRoles();
		const fingerprint = 'SHA256:' + 'b'.repeat(43);
		const input = {
			orgId: org.id,
			kind: 'ssh' as const,
			endpoint: 'ssh://deploy@docker.example.test:2222',
			ssh: { privateKey: sshKey, password: 'hunter2-but-longer', hostKeyFingerprint: fingerprint }
		};
		const a = await callerAs(app, owner).servers.create({ ...input, name: 'a' });
		const b = await callerAs(app, owner).servers.create({ ...input, name: 'b', endpoint: 'ssh://ops@[2606:4700:4700::1111]' });
		expect(a).toMatchObject({ hasSshPrivateKey: true, hasSshPassword: true, hasTlsKey: false, sshHostKeyFingerprint: fingerprint });
		const [rowA] = await app.db.select().from(servers).where(eq(servers.id, a.id));
		const [rowB] = await app.db.select().from(servers).where(eq(servers.id, b.id));
		expect(resolveDockerEndpoint(app, rowA!)).toEqual({
			kind: 'ssh',
			host: 'docker.example.test',
			port: 2222,
			username: 'deploy',
			privateKey: sshKey,
			password: 'hunter2-but-longer',
			hostKeyFingerprint: fingerprint
		});
		expect(resolveDockerEndpoint(app, rowB!)).toMatchObject({ host: '2606:4700:4700::1111', port: 22, username: 'ops' });
		// Copying one server's sealed password onto another is caught by the bound context.
		const swapped = { ...rowB!, sshPasswordEncrypted: rowA!.sshPasswordEncrypted };
		expect(() => resolveDockerEndpoint(app, swapped)).toThrow('The stored credentials of server "b" cannot be decrypted with SSH_ENCRYPTION_KEY');
		// Another key cannot open them either.
		const otherApp = { config: { ...app.config, sshEncryptionKey: 'another-key-that-is-long-enough-000000' } };
		expect(() => resolveDockerEndpoint(otherApp, rowA!)).toThrow('cannot be decrypted');
	});

	it('lets only platform admins register the local socket, and only at DOCKER_SOCKET_PATH', async () => {
		const { owner, org } = await orgWithRoles();
		const input = { orgId: org.id, name: 'local', kind: 'socket' as const, endpoint: app.config.dockerSocketPath };
		expect(await errorOf(callerAs(app, owner).servers.create(input))).toEqual({
			code: 'FORBIDDEN',
			message: 'Only a platform administrator may register the local Docker socket'
		});
		const admin = adminCallerAs(app, owner);
		expect(await errorOf(admin.servers.create({ ...input, endpoint: '/tmp/other.sock' }))).toEqual({
			code: 'BAD_REQUEST',
			message: `endpoint: A socket server must use the configured DOCKER_SOCKET_PATH (${app.config.dockerSocketPath})`
		});
		expect(await admin.servers.create(input)).toMatchObject({ kind: 'socket', endpoint: app.config.dockerSocketPath });
		// The service takes the flag explicitly, so other front doors cannot forget it.
		await expect(createServer(app, serverActor(owner, false), org.id, { ...input, name: 'again' })).rejects.toMatchObject({ code: 'forbidden' });
	});

	it('names the field of every bad input', async () => {
		const { owner, org } = await orgWithRoles();
		const create = (input: Record<string, unknown>) =>
			errorOf(callerAs(app, owner).servers.create({ orgId: org.id, name: 'x', ...input } as never));
		const bad = (message: string) => ({ code: 'BAD_REQUEST', message: expect.stringContaining(message) });
		expect(await create({ kind: 'ftp', endpoint: 'x' })).toEqual(bad('Kind must be one of socket, tcp, ssh'));
		expect(await create({ kind: 'socket', endpoint: 'relative.sock' })).toEqual(bad('A socket endpoint is an absolute path'));
		expect(await create({ kind: 'tcp', endpoint: 'docker.example.test' , tls: tcpInput().tls })).toEqual(bad('A tcp endpoint is host:port'));
		expect(await create({ kind: 'tcp', endpoint: 'docker.example.test:2376' })).toEqual(bad('A tcp server needs TLS client certificates'));
		expect(await create({ ...tcpInput(), tls: { ...tcpInput().tls, ca: 'garbage' } })).toEqual(bad('CA certificate must be a PEM certificate'));
		expect(await create({ ...tcpInput(), tls: { ...tcpInput().tls, key: tls.clientCert } })).toEqual(bad('Private key must be an unencrypted PEM private key'));
		expect(await create({ kind: 'ssh', endpoint: 'ssh://root:secret@host', ssh: { password: 'x' } })).toEqual(bad('without a password'));
		expect(await create({ kind: 'ssh', endpoint: 'ssh://host', ssh: { password: 'x' } })).toEqual(bad('An ssh endpoint is ssh://user@host'));
		expect(await create({ kind: 'ssh', endpoint: 'ssh://root@host' })).toEqual(bad('An ssh server needs ssh.privateKey or ssh.password'));
		expect(await create({ kind: 'ssh', endpoint: 'ssh://root@host', ssh: { privateKey: encryptedSshKey } })).toEqual(bad('Private key must not be passphrase-protected'));
		expect(await create({ kind: 'ssh', endpoint: 'ssh://root@host', ssh: { privateKey: 'ssh-ed25519 AAAA' } })).toEqual(bad('Private key is not a valid SSH private key'));
		expect(await create({ kind: 'ssh', endpoint: 'ssh://root@host', ssh: { password: 'x', hostKeyFingerprint: 'MD5:aa' } })).toEqual(bad('Host key fingerprint must look like'));
		expect(await create({ kind: 'socket', endpoint: '/var/run/docker.sock', ssh: { password: 'x' } })).toEqual(bad('SSH settings apply to ssh servers only'));
	});

	it('refuses a duplicate name in one org (409), not across orgs', async () => {
		const { owner, org } = await orgWithRoles();
		const other = await orgWithOwner(app, 'Other');
		await callerAs(app, owner).servers.create({ orgId: org.id, ...tcpInput('same') });
		expect(await errorOf(callerAs(app, owner).servers.create({ orgId: org.id, ...tcpInput('same') }))).toEqual({
			code: 'CONFLICT',
			message: 'A server named "same" already exists in this organization'
		});
		await expect(callerAs(app, other.owner).servers.create({ orgId: other.org.id, ...tcpInput('same') })).resolves.toBeTruthy();
	});

	it('refuses engines on loopback, private, link-local and metadata addresses (400 naming endpoint) unless DOCKER_ALLOW_PRIVATE_HOSTS names them', async () => {
		const { owner, org } = await orgWithRoles();
		const create = (kind: 'tcp' | 'ssh', endpoint: string) =>
			errorOf(
				callerAs(app, owner).servers.create({
					orgId: org.id,
					name: `n-${uniqueSlug()}`,
					kind,
					endpoint,
					...(kind === 'tcp' ? { tls: tcpInput().tls } : { ssh: { privateKey: sshKey } })
				} as never)
			);
		const refused = (address: string, range: string) => ({
			code: 'BAD_REQUEST',
			message: `endpoint: ${address} is a ${range} address; oCore connects only to public Docker engines unless DOCKER_ALLOW_PRIVATE_HOSTS names the host`
		});
		expect(await create('tcp', '127.0.0.1:2376')).toEqual(refused('127.0.0.1', 'loopback'));
		expect(await create('tcp', '[::1]:2376')).toEqual(refused('::1', 'loopback'));
		expect(await create('tcp', '[::ffff:127.0.0.1]:2376')).toEqual(refused('::ffff:7f00:1', 'loopback'));
		expect(await create('tcp', '10.0.0.5:2376')).toEqual(refused('10.0.0.5', 'private'));
		expect(await create('tcp', 'https://169.254.169.254:2376')).toEqual(refused('169.254.169.254', 'linkLocal'));
		expect(await create('ssh', 'ssh://root@192.168.1.20:22')).toEqual(refused('192.168.1.20', 'private'));
		expect(await create('ssh', 'ssh://root@[fd00::1]')).toEqual(refused('fd00::1', 'uniqueLocal'));
		expect(await app.db.select().from(servers).where(eq(servers.orgId, org.id))).toEqual([]);
		// A public address and a host name (checked when connecting) are accepted.
		expect(await create('tcp', '203.0.114.7:2376')).toBeNull();
		expect(await create('tcp', `docker-${uniqueSlug()}.example.test:2376`)).toBeNull();
		const allowing = await createTestApp({ DOCKER_ALLOW_PRIVATE_HOSTS: 'localhost, 127.0.0.1' });
		try {
			const o = await orgWithOwner(allowing, 'Allowed');
			await expect(callerAs(allowing, o.owner).servers.create({ orgId: o.org.id, ...tcpInput('loop', '127.0.0.1') })).resolves.toMatchObject({ endpoint: '127.0.0.1:2376' });
		} finally {
			await allowing.close();
		}
	});

	it('lets one org register a tcp/ssh engine: another org gets 409 without learning which, however the address is written', async () => {
		const a = await orgWithRoles();
		const b = await orgWithOwner(app, 'Second Tenant');
		const host = `shared-${uniqueSlug()}.example.test`;
		await callerAs(app, a.owner).servers.create({ orgId: a.org.id, ...tcpInput('engine', host) });
		// The same org may name its engine twice.
		await expect(callerAs(app, a.owner).servers.create({ orgId: a.org.id, ...tcpInput('engine-again', host) })).resolves.toBeTruthy();
		const conflict = {
			code: 'CONFLICT',
			message: `The Docker engine at ${host}:2376 is registered by another organization; an engine belongs to one organization`
		};
		expect(await errorOf(callerAs(app, b.owner).servers.create({ orgId: b.org.id, ...tcpInput('mine', host) }))).toEqual(conflict);
		const upper = await errorOf(callerAs(app, b.owner).servers.create({ orgId: b.org.id, ...tcpInput('mine', host.toUpperCase()) }));
		expect(upper).toMatchObject({ code: 'CONFLICT' });
		expect(upper!.message).not.toContain(a.org.id);
		expect(upper!.message).not.toContain(a.org.name);
		const withScheme = { ...tcpInput('mine'), endpoint: `tcp://${host}:2376` };
		expect(await errorOf(callerAs(app, b.owner).servers.create({ orgId: b.org.id, ...withScheme }))).toMatchObject({ code: 'CONFLICT' });
		// Another port of that host is another engine.
		await expect(callerAs(app, b.owner).servers.create({ orgId: b.org.id, ...tcpInput('other-port'), endpoint: `${host}:2377` })).resolves.toBeTruthy();
		const ssh = { kind: 'ssh' as const, endpoint: `ssh://root@${host}:2222`, ssh: { privateKey: sshKey } };
		await callerAs(app, a.owner).servers.create({ orgId: a.org.id, name: 'over-ssh', ...ssh });
		expect(await errorOf(callerAs(app, b.owner).servers.create({ orgId: b.org.id, name: 'over-ssh', ...ssh, endpoint: `ssh://deploy@${host}:2222` }))).toMatchObject({
			code: 'CONFLICT'
		});
	});
});

describe('server permissions and deletion', () => {
	let owner: TestUser;
	let developer: TestUser;
	let viewer: TestUser;
	let outsider: TestUser;
	let orgId: string;
	beforeAll(async () => {
		const fixture = await orgWithRoles();
		({ owner, developer, viewer, outsider } = fixture);
		orgId = fixture.org.id;
	});

	it('needs manage:servers to create, view:instances to list; outsiders learn nothing', async () => {
		expect(await errorOf(callerAs(app, developer).servers.create({ orgId, ...tcpInput() }))).toEqual({
			code: 'FORBIDDEN',
			message: 'Permission denied: manage:servers'
		});
		expect(await errorOf(callerAs(app, outsider).servers.create({ orgId, ...tcpInput() }))).toEqual({
			code: 'NOT_FOUND',
			message: 'Organization not found'
		});
		const created = await callerAs(app, owner).servers.create({ orgId, ...tcpInput() });
		expect(await callerAs(app, viewer).servers.list({ orgId })).toEqual(expect.arrayContaining([created]));
		expect(await errorOf(callerAs(app, outsider).servers.list({ orgId }))).toEqual({ code: 'NOT_FOUND', message: 'Organization not found' });
	});

	it('deletes with manage:servers (audited), refuses viewers (403), outsiders and unknown ids alike (404), and servers in use (409)', async () => {
		const created = await callerAs(app, owner).servers.create({ orgId, ...tcpInput('doomed') });
		const notFound = { code: 'NOT_FOUND', message: 'Server not found' };
		expect(await errorOf(callerAs(app, outsider).servers.delete({ serverId: created.id }))).toEqual(notFound);
		expect(await errorOf(callerAs(app, owner).servers.delete({ serverId: crypto.randomUUID() }))).toEqual(notFound);
		expect(await errorOf(callerAs(app, viewer).servers.delete({ serverId: created.id }))).toEqual({
			code: 'FORBIDDEN',
			message: 'Permission denied: manage:servers'
		});
		// In use: an instance row on it (no engine here to bind a real container on).
		const [instance] = await app.db
			.insert(instances)
			.values({ orgId, environmentId: await defaultEnvironmentId(app, orgId), slug: uniqueSlug('uses'), name: 'User', serverId: created.id, container: 'not-there' })
			.returning();
		expect(await errorOf(callerAs(app, owner).servers.delete({ serverId: created.id }))).toEqual({
			code: 'CONFLICT',
			message: 'Server "doomed" still has 1 instance(s); delete them first'
		});
		await callerAs(app, owner).instances.delete({ slug: instance!.slug });
		expect(await callerAs(app, owner).servers.delete({ serverId: created.id })).toEqual({ id: created.id });
		expect((await auditRows(app, orgId)).at(-1)).toMatchObject({
			action: 'server.deleted',
			targetId: created.id,
			metadata: { name: 'doomed', kind: 'tcp', endpoint: created.endpoint }
		});
		expect(await callerAs(app, owner).servers.list({ orgId })).not.toContainEqual(expect.objectContaining({ id: created.id }));
	});
});
