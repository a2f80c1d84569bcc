/**
 * Servers: the Docker engines an org's instances run on. Create, list and delete within one org;
 * resolve a stored server to a DockerEndpoint for use.
 *
 * Policy:
 * - `manage:servers` creates and deletes, `view:instances` lists (re-checked here, inside the
 *   transaction, like every org service). A server of another org is simply not found.
 * - Kind `socket` is the platform's own Docker engine, which runs every org's containers: only a
 *   platform administrator may register it, and only at the configured DOCKER_SOCKET_PATH. Other
 *   orgs bring engines they hold credentials for (TLS client certificates or SSH). Which remote
 *   engines an org may register (one org per engine, public addresses only) is engine-policy.ts.
 * - Secrets (TLS client key, SSH private key, SSH password) are sealed before they reach the
 *   database and never returned: callers see `hasTlsKey`, `hasSshPrivateKey`, `hasSshPassword`.
 *   resolveDockerEndpoint opens them in memory only for the call that needs them.
 * - A server that instances still use cannot be deleted (409).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, count, eq } from 'drizzle-orm';
import type { DockerEndpoint } from '../containers/container-backend';
import type { AppContext } from '../app-context';
import type { DbOrTx } from '../db/client';
import { instances, servers, type Server } from '../db/schema';
import { isForeignKeyViolation, isUniqueViolation } from '../db/pg-errors';
import { AppError } from '../errors';
import { authorizeInOrg } from '../orgs/access';
import { auditOrg, type ActingUser } from '../orgs/store';
import { parseSshEndpoint, parseTcpEndpoint } from './endpoint';
import { checkEngineAddress, claimRemoteEngine } from './engine-policy';
import type { CreateServerInput } from './schemas';
import { sealContext } from './sealed-columns';
import { keyringFromConfig, openSecret, SecretBoxError, sealSecret } from './secret-box';

export type ServerDeps = Pick<AppContext, 'db' | 'clock' | 'config'>;

/** The acting user plus the one account flag server registration depends on. */
export type ServerActor = ActingUser & { isPlatformAdmin: boolean };

/** A server as every front door returns it: never a secret, only whether one is stored. */
export type ServerView = {
	id: string;
	orgId: string;
	name: string;
	kind: Server['kind'];
	endpoint: string;
	hasTlsKey: boolean;
	hasSshPrivateKey: boolean;
	hasSshPassword: boolean;
	sshHostKeyFingerprint: string | null;
	createdAt: Date;
};

export function toServerView(row: Server): ServerView {
	return {
		id: row.id,
		orgId: row.orgId,
		name: row.name,
		kind: row.kind,
		endpoint: row.endpoint,
		hasTlsKey: row.tlsKeyEncrypted !== null,
		hasSshPrivateKey: row.sshPrivateKeyEncrypted !== null,
		hasSshPassword: row.sshPasswordEncrypted !== null,
		sshHostKeyFingerprint: row.sshHostKeyFingerprint,
		createdAt: row.createdAt
	};
}

/** A server of this org; not_found otherwise (including another org's server id). */
/** The org a server belongs to, or null: how procedures addressed by server id find whom to ask. */
export async function orgIdOfServer(db: DbOrTx, serverId: string): Promise<string | null> {
	const [row] = await db.select({ orgId: servers.orgId }).from(servers).where(eq(servers.id, serverId));
	return row?.orgId ?? null;
}

export async function requireServerInOrg(tx: DbOrTx, orgId: string, serverId: string): Promise<Server> {
	const [row] = await tx
		.select()
		.from(servers)
		.where(and(eq(servers.orgId, orgId), eq(servers.id, serverId)));
	if (!row) throw new AppError('not_found', 'Server not found');
	return row;
}

function checkSocketPolicy(app: ServerDeps, actor: ServerActor, input: CreateServerInput) {
	if (input.kind !== 'socket') return;
	if (!actor.isPlatformAdmin) {
		throw new AppError('forbidden', 'Only a platform administrator may register the local Docker socket');
	}
	if (input.endpoint !== app.config.dockerSocketPath) {
		throw new AppError('invalid_request', `endpoint: A socket server must use the configured DOCKER_SOCKET_PATH (${app.config.dockerSocketPath})`);
	}
}

export async function createServer(app: ServerDeps, actor: ServerActor, orgId: string, input: CreateServerInput): Promise<ServerView> {
	const now = app.clock.now();
	const ring = keyringFromConfig(app.config);
	const id = randomUUID();
	const seal = (value: string | undefined, field: Parameters<typeof sealContext>[1]) =>
		value === undefined ? null : sealSecret(ring, value, sealContext(id, field));
	try {
		return await app.db.transaction(async (tx) => {
			await authorizeInOrg(tx, { orgId, userId: actor.userId, permission: 'manage:servers' });
			checkSocketPolicy(app, actor, input);
			checkEngineAddress(input, app.config.dockerAllowPrivateHosts);
			await claimRemoteEngine(tx, orgId, input);
			const [row] = await tx
				.insert(servers)
				.values({
					id,
					orgId,
					name: input.name,
					kind: input.kind,
					endpoint: input.endpoint,
					tlsCa: input.tls?.ca ?? null,
					tlsCert: input.tls?.cert ?? null,
					tlsKeyEncrypted: seal(input.tls?.key, 'tlsKeyEncrypted'),
					sshPrivateKeyEncrypted: seal(input.ssh?.privateKey, 'sshPrivateKeyEncrypted'),
					sshPasswordEncrypted: seal(input.ssh?.password, 'sshPasswordEncrypted'),
					sshHostKeyFingerprint: input.ssh?.hostKeyFingerprint ?? null,
					createdAt: now
				})
				.returning();
			if (!row) throw new Error('server insert returned nothing');
			const view = toServerView(row);
			const { id: _id, orgId: _org, createdAt: _at, ...metadata } = view;
			await auditOrg(tx, orgId, actor, { action: 'server.created', targetType: 'server', targetId: id, metadata }, now);
			return view;
		});
	} catch (err) {
		if (isUniqueViolation(err, 'servers_org_name_unique')) {
			throw new AppError('conflict', `A server named "${input.name}" already exists in this organization`);
		}
		throw err;
	}
}

/** The org's servers by name. The caller is authorized by the front door (view:instances). */
export async function listServers(app: Pick<ServerDeps, 'db'>, orgId: string): Promise<ServerView[]> {
	const rows = await app.db.select().from(servers).where(eq(servers.orgId, orgId)).orderBy(asc(servers.name), asc(servers.id));
	return rows.map(toServerView);
}

export async function deleteServer(app: ServerDeps, actor: ActingUser, serverId: string): Promise<{ id: string }> {
	const now = app.clock.now();
	try {
		return await app.db.transaction(async (tx) => {
			const [found] = await tx.select({ orgId: servers.orgId }).from(servers).where(eq(servers.id, serverId));
			// Outsiders get the same answer whether or not the server exists.
			if (!found) throw new AppError('not_found', 'Server not found');
			await authorizeInOrg(tx, { orgId: found.orgId, userId: actor.userId, permission: 'manage:servers', notFoundMessage: 'Server not found' });
			const server = await requireServerInOrg(tx, found.orgId, serverId);
			const [usage] = await tx.select({ n: count() }).from(instances).where(eq(instances.serverId, serverId));
			if ((usage?.n ?? 0) > 0) {
				throw new AppError('conflict', `Server "${server.name}" still has ${usage!.n} instance(s); delete them first`);
			}
			await tx.delete(servers).where(and(eq(servers.orgId, found.orgId), eq(servers.id, serverId)));
			await auditOrg(
				tx,
				found.orgId,
				actor,
				{ action: 'server.deleted', targetType: 'server', targetId: serverId, metadata: { name: server.name, kind: server.kind, endpoint: server.endpoint } },
				now
			);
			return { id: serverId };
		});
	} catch (err) {
		// The foreign key is the last word when an instance was added concurrently.
		if (isForeignKeyViolation(err)) throw new AppError('conflict', 'Server still has instances; delete them first');
		throw err;
	}
}

/** How to reach a stored server, with its secrets opened in memory for this use only. */
export function resolveDockerEndpoint(app: Pick<AppContext, 'config'>, server: Server): DockerEndpoint {
	const ring = keyringFromConfig(app.config);
	const open = (value: string | null, field: Parameters<typeof sealContext>[1]) => {
		if (value === null) return undefined;
		try {
			return openSecret(ring, value, sealContext(server.id, field));
		} catch (err) {
			if (err instanceof SecretBoxError) {
				throw new AppError('internal', `The stored credentials of server "${server.name}" cannot be decrypted with SSH_ENCRYPTION_KEY`, { cause: err });
			}
			throw err;
		}
	};
	const broken = () => new AppError('internal', `Server "${server.name}" has a malformed endpoint`);
	switch (server.kind) {
		case 'socket':
			return { kind: 'socket', socketPath: server.endpoint };
		case 'tcp': {
			const target = parseTcpEndpoint(server.endpoint);
			if (!target) throw broken();
			const key = open(server.tlsKeyEncrypted, 'tlsKeyEncrypted');
			return { kind: 'tcp', ...target, ca: server.tlsCa ?? undefined, cert: server.tlsCert ?? undefined, key };
		}
		case 'ssh': {
			const target = parseSshEndpoint(server.endpoint);
			if (!target) throw broken();
			return {
				kind: 'ssh',
				...target,
				privateKey: open(server.sshPrivateKeyEncrypted, 'sshPrivateKeyEncrypted'),
				password: open(server.sshPasswordEncrypted, 'sshPasswordEncrypted'),
				hostKeyFingerprint: server.sshHostKeyFingerprint ?? undefined
			};
		}
	}
}
