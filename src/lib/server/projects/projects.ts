/**
 * Projects of an org: list (each with its environments), create, rename, delete.
 *
 * Policy:
 * - Seeing needs `view:instances`, changing needs `manage:instances`, in the project's org (projects
 *   and environments are how instances are grouped, so whoever may create instances may create the
 *   groups). Checked again here, inside the transaction, like every org service.
 * - A project of another org, or one that does not exist, is `Project not found` alike.
 * - Names are unique within the org (409). A project that still has environments cannot be deleted
 *   (409 `in_use`); its environments go first, and they go only once no instance uses them.
 * - Create, rename and delete are audited in the org's log.
 */
import { and, asc, count, eq } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import type { DbOrTx } from '../db/client';
import { environments, projects, type Project } from '../db/schema';
import { isForeignKeyViolation, isUniqueViolation } from '../db/pg-errors';
import { AppError } from '../errors';
import { authorizeInOrg } from '../orgs/access';
import { auditOrg, type ActingUser } from '../orgs/store';
import type { CreateProjectInput, RenameProjectInput } from './schemas';
import { environmentViewsOf, inUse, orgIdOfProject, projectNotFound, requireProjectInOrg, toProjectView, type ProjectView } from './store';

export type ProjectDeps = Pick<AppContext, 'db' | 'clock'>;

const nameTaken = (name: string) => new AppError('conflict', `A project named "${name}" already exists in this organization`);

/** The org's projects by name, each with its environments. The front door authorized view:instances. */
export async function listProjects(app: Pick<ProjectDeps, 'db'>, orgId: string): Promise<ProjectView[]> {
	const rows = await app.db.select().from(projects).where(eq(projects.orgId, orgId)).orderBy(asc(projects.name), asc(projects.id));
	const envs = await environmentViewsOf(
		app.db,
		orgId,
		rows.map((r) => r.id)
	);
	return rows.map((row) => toProjectView(row, envs.filter((e) => e.projectId === row.id)));
}

export async function createProject(app: ProjectDeps, actor: ActingUser, orgId: string, input: CreateProjectInput): Promise<ProjectView> {
	const now = app.clock.now();
	try {
		return await app.db.transaction(async (tx) => {
			await authorizeInOrg(tx, { orgId, userId: actor.userId, permission: 'manage:instances' });
			const [row] = await tx.insert(projects).values({ orgId, name: input.name, createdAt: now, updatedAt: now }).returning();
			if (!row) throw new Error('project insert returned nothing');
			await auditOrg(tx, orgId, actor, { action: 'project.created', targetType: 'project', targetId: row.id, metadata: { name: row.name } }, now);
			return toProjectView(row, []);
		});
	} catch (err) {
		if (isUniqueViolation(err, 'projects_org_name_unique')) throw nameTaken(input.name);
		throw err;
	}
}

/** The project's org after the caller's access to it is checked: outsiders hear `Project not found`. */
export async function authorizeForProject(tx: DbOrTx, actor: ActingUser, projectId: string): Promise<Project> {
	const orgId = await orgIdOfProject(tx, projectId);
	if (orgId === null) throw projectNotFound();
	await authorizeInOrg(tx, { orgId, userId: actor.userId, permission: 'manage:instances', notFoundMessage: projectNotFound().message });
	return requireProjectInOrg(tx, orgId, projectId);
}

export async function renameProject(app: ProjectDeps, actor: ActingUser, input: RenameProjectInput): Promise<ProjectView> {
	const now = app.clock.now();
	try {
		return await app.db.transaction(async (tx) => {
			const project = await authorizeForProject(tx, actor, input.projectId);
			const [row] = await tx
				.update(projects)
				.set({ name: input.name, updatedAt: now })
				.where(and(eq(projects.orgId, project.orgId), eq(projects.id, project.id)))
				.returning();
			if (!row) throw projectNotFound();
			if (project.name !== row.name) {
				const metadata = { from: project.name, to: row.name };
				await auditOrg(tx, row.orgId, actor, { action: 'project.renamed', targetType: 'project', targetId: row.id, metadata }, now);
			}
			return toProjectView(row, await environmentViewsOf(tx, row.orgId, [row.id]));
		});
	} catch (err) {
		if (isUniqueViolation(err, 'projects_org_name_unique')) throw nameTaken(input.name);
		throw err;
	}
}

export async function deleteProject(app: ProjectDeps, actor: ActingUser, projectId: string): Promise<{ id: string }> {
	const now = app.clock.now();
	try {
		return await app.db.transaction(async (tx) => {
			const project = await authorizeForProject(tx, actor, projectId);
			const [usage] = await tx.select({ n: count() }).from(environments).where(eq(environments.projectId, project.id));
			const n = usage?.n ?? 0;
			if (n > 0) throw inUse(`Project "${project.name}" still has ${n} environment(s); delete them first`);
			await tx.delete(projects).where(and(eq(projects.orgId, project.orgId), eq(projects.id, project.id)));
			await auditOrg(tx, project.orgId, actor, { action: 'project.deleted', targetType: 'project', targetId: project.id, metadata: { name: project.name } }, now);
			return { id: project.id };
		});
	} catch (err) {
		// The foreign key is the last word when an environment was added concurrently.
		if (isForeignKeyViolation(err)) throw inUse('Project still has environments; delete them first');
		throw err;
	}
}
