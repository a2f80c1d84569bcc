import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

/**
 * Registered SSH public keys. The gateway identifies the user by the key alone, so a key (by its
 * SHA-256 fingerprint) belongs to exactly one account: the unique index enforces it.
 */
export const sshKeys = pgTable(
	'ssh_keys',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		/** The key type as OpenSSH names it: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, sk-ssh-ed25519@openssh.com ... */
		type: text('type').notNull(),
		bits: integer('bits').notNull(),
		/** OpenSSH's `SHA256:<base64, no padding>` of the key blob, exactly as `ssh-keygen -lf` prints it. */
		fingerprint: text('fingerprint').notNull().unique('ssh_keys_fingerprint_unique'),
		/** The canonical one-line public key: `<type> <base64 blob>` (the comment is kept apart). */
		publicKey: text('public_key').notNull(),
		comment: text('comment'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true })
	},
	(t) => [index('ssh_keys_user_idx').on(t.userId)]
);

export type SshKey = typeof sshKeys.$inferSelect;
