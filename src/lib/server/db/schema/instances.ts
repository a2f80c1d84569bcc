import { index, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './orgs';
import { environments } from './projects';

/**
 * A server is a Docker engine reached through the Engine API: the local socket, TCP with TLS client
 * certificates, or SSH. Secret material (TLS client key, SSH private key, SSH password) is stored
 * only as AES-256-GCM ciphertext under SSH_ENCRYPTION_KEY (see servers/secret-box).
 */
export const servers = pgTable(
	'servers',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		orgId: uuid('org_id')
			.notNull()
			.references(() => organizations.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		kind: text('kind', { enum: ['socket', 'tcp', 'ssh'] }).notNull(),
		/** socket: a path; tcp: host:port; ssh: ssh://user@host[:port] */
		endpoint: text('endpoint').notNull(),
		tlsCa: text('tls_ca'),
		tlsCert: text('tls_cert'),
		tlsKeyEncrypted: text('tls_key_encrypted'),
		sshPrivateKeyEncrypted: text('ssh_private_key_encrypted'),
		sshPasswordEncrypted: text('ssh_password_encrypted'),
		/** `SHA256:...` of the remote SSH host key; when set, a different host key is refused. */
		sshHostKeyFingerprint: text('ssh_host_key_fingerprint'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [unique('servers_org_name_unique').on(t.orgId, t.name), index('servers_org_idx').on(t.orgId)]
);

export type Server = typeof servers.$inferSelect;

export const instances = pgTable(
	'instances',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		orgId: uuid('org_id')
			.notNull()
			.references(() => organizations.id, { onDelete: 'cascade' }),
		/** Lowercase letters, digits and dashes; unique platform-wide, because it is the SSH user name. */
		slug: text('slug').notNull().unique('instances_slug_unique'),
		name: text('name').notNull(),
		/** The environment (and through it the project) the instance belongs to. */
		environmentId: uuid('environment_id')
			.notNull()
			.references(() => environments.id, { onDelete: 'no action' }),
		serverId: uuid('server_id')
			.notNull()
			.references(() => servers.id, { onDelete: 'restrict' }),
		/** Container name or id on the server, as the user gave it. */
		container: text('container').notNull(),
		/** The container's full Docker id, resolved when the instance was bound (null on rows made before binding checks). */
		containerId: text('container_id'),
		/**
		 * The Docker engine the container lives on, independent of which server row reaches it (several
		 * orgs' servers can name the one local socket): no container is bound by two instances.
		 */
		engineKey: text('engine_key'),
		status: text('status', { enum: ['provisioning', 'running', 'stopped'] }).notNull().default('provisioning'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('instances_org_idx').on(t.orgId),
		index('instances_server_idx').on(t.serverId),
		index('instances_environment_idx').on(t.environmentId),
		unique('instances_engine_container_unique').on(t.engineKey, t.containerId)
	]
);

export type Instance = typeof instances.$inferSelect;
