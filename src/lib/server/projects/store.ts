/**
 * Reading projects and environments for the services of this folder: every lookup takes the org id
 * and filters by it, so an id of another org is simply not found, and the views every front door
 * returns.
 */
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { environments, instances, projects, type Environment, type Project } from '../db/schema';
import { AppError } from '../errors';

export const projectNotFound = () => new AppError('not_found', 'Project not found');
export const environmentNotFound = () => new AppError('not_found', 'Environment not found');

/** The 409 of a delete refused because something still uses the record; `error: "in_use"` over REST. */
export const inUse = (message: string) => new AppError('conflict', message, { publicCode: 'in_use' });

export type EnvironmentView = {
	id: string;
	orgId: string;
	projectId: string;
	name: string;
	/** How many instances run in it: a delete is refused while this is above zero. */
	instanceCount: number;
	createdAt: Date;
	updatedAt: Date;
};

export type ProjectView = {
	id: string;
	orgId: string;
	name: string;
	createdAt: Date;
	updatedAt: Date;
	/** By name. A delete is refused while there is any. */
	environments: EnvironmentView[];
};

export function toEnvironmentView(row: Environment, instanceCount: number): EnvironmentView {
	const { id, orgId, projectId, name, createdAt, updatedAt } = row;
	return { id, orgId, projectId, name, instanceCount, createdAt, updatedAt };
}

export function toProjectView(row: Project, environmentViews: EnvironmentView[]): ProjectView {
	const { id, orgId, name, createdAt, updatedAt } = row;
	return { id, orgId, name, createdAt, updatedAt, environments: environmentViews };
}

/** The org a project belongs to, or null: how procedures addressed by project id find whom to ask. */
export async function orgIdOfProject(db: DbOrTx, projectId: string): Promise<string | null> {
	const [row] = await db.select({ orgId: projects.orgId }).from(projects).where(eq(projects.id, projectId));
	return row?.orgId ?? null;
}

/** The org an environment belongs to, or null. */
export async function orgIdOfEnvironment(db: DbOrTx, environmentId: string): Promise<string | null> {
	const [row] = await db.select({ orgId: environments.orgId }).from(environments).where(eq(environments.id, environmentId));
	return row?.orgId ?? null;
}

export async function requireProjectInOrg(tx: DbOrTx, orgId: string, projectId: string): Promise<Project> {
	const [row] = await tx
		.select()
		.from(projects)
		.where(and(eq(projects.orgId, orgId), eq(projects.id, projectId)));
	if (!row) throw projectNotFound();
	return row;
}

export async function requireEnvironmentInOrg(tx: DbOrTx, orgId: string, environmentId: string): Promise<Environment> {
	const [row] = await tx
		.select()
		.from(environments)
		.where(and(eq(environments.orgId, orgId), eq(environments.id, environmentId)));
	if (!row) throw environmentNotFound();
	return row;
}

export async function countEnvironmentInstances(tx: DbOrTx, environmentId: string): Promise<number> {
	const [row] = await tx.select({ n: count() }).from(instances).where(eq(instances.environmentId, environmentId));
	return row?.n ?? 0;
}

/** Environments of the given projects (all of one org), by name, each with its instance count. */
export async function environmentViewsOf(db: DbOrTx, orgId: string, projectIds: string[]): Promise<EnvironmentView[]> {
	if (projectIds.length === 0) return [];
	const rows = await db
		.select({ environment: environments, instanceCount: count(instances.id) })
		.from(environments)
		.leftJoin(instances, eq(instances.environmentId, environments.id))
		.where(and(eq(environments.orgId, orgId), inArray(environments.projectId, projectIds)))
		.groupBy(environments.id)
		.orderBy(asc(environments.name), asc(environments.id));
	return rows.map((r) => toEnvironmentView(r.environment, r.instanceCount));
}
