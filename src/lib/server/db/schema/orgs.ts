import { boolean, index, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

export const organizations = pgTable('organizations', {
	id: uuid('id').primaryKey().defaultRandom(),
	name: text('name').notNull(),
	slug: text('slug').notNull().unique('organizations_slug_unique'),
	/** Members without 2FA are refused the org's resources (orgs/access.ts) while this is on. */
	requireTwoFactor: boolean('require_two_factor').notNull().default(false),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});

/** Every org gets its own copy of the built-in roles (isBuiltIn, read-only) plus any custom roles. */
export const roles = pgTable(
	'roles',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		orgId: uuid('org_id')
			.notNull()
			.references(() => organizations.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		permissions: text('permissions').array().notNull(),
		isBuiltIn: boolean('is_built_in').notNull().default(false),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [unique('roles_org_name_unique').on(t.orgId, t.name), index('roles_org_idx').on(t.orgId)]
);

export const memberships = pgTable(
	'memberships',
	{
		orgId: uuid('org_id')
			.notNull()
			.references(() => organizations.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		roleId: uuid('role_id')
			.notNull()
			.references(() => roles.id, { onDelete: 'restrict' }),
		/** Ownership is separate from the role: owners hold every permission and alone may transfer or delete. */
		isOwner: boolean('is_owner').notNull().default(false),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ name: 'memberships_pk', columns: [t.orgId, t.userId] }),
		index('memberships_user_idx').on(t.userId)
	]
);
