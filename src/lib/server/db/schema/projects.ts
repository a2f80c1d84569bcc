import { index, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './orgs';

/**
 * An org's projects, and each project's environments (production, staging, ...); every instance
 * belongs to one environment. Names are unique within their parent, exactly as typed (migration 0011
 * made these rows from the free text instances used to carry, which was never case-folded).
 *
 * Deleting a project or environment that something still uses is refused by the services (409); the
 * foreign keys are NO ACTION rather than RESTRICT so that deleting the org, which cascades to
 * instances, environments and projects in one statement, is checked only at the statement's end.
 */
export const projects = pgTable(
	'projects',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		orgId: uuid('org_id')
			.notNull()
			.references(() => organizations.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [unique('projects_org_name_unique').on(t.orgId, t.name), index('projects_org_idx').on(t.orgId)]
);

export type Project = typeof projects.$inferSelect;

export const environments = pgTable(
	'environments',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** The project's org, kept beside it so tenant filters need no join. */
		orgId: uuid('org_id')
			.notNull()
			.references(() => organizations.id, { onDelete: 'cascade' }),
		projectId: uuid('project_id')
			.notNull()
			.references(() => projects.id, { onDelete: 'no action' }),
		name: text('name').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		unique('environments_project_name_unique').on(t.projectId, t.name),
		index('environments_org_idx').on(t.orgId)
	]
);

export type Environment = typeof environments.$inferSelect;
