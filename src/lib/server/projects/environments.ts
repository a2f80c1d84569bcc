/**
 * Environments of a project (production, staging, ...): list, create, rename, delete. Every instance
 * belongs to one.
 *
 * Policy:
 * - Same gate as projects: `view:instances` to see, `manage:instances` to change, in the org of the
 *   project; an environment or project of another org is not found, exactly like a missing one.
 * - Names are unique within the project (409). An environment that instances still use cannot be
 *   deleted (409 `in_use`); the foreign key refuses it too when an instance arrives concurrently.
 * - Create, rename and delete are audited in the org's log, naming the project.
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { environments, projects, type Environment } from '../db/schema';
import { isForeignKeyViolation, isUniqueViolation } from '../db/pg-errors';
import { AppError } from '../errors';
import { authorizeInOrg } from '../orgs/access';
import { auditOrg, type ActingUser } from '../orgs/store';
import { authorizeForProject, type ProjectDeps } from './projects';
import type { CreateEnvironmentInput, RenameEnvironmentInput } from './schemas';
import {
	countEnvironmentInstances,
	environmentNotFound,
	environmentViewsOf,
	inUse,
	orgIdOfEnvironment,
	projectNotFound,
	requireEnvironmentInOrg,
	requireProjectInOrg,
	toEnvironmentView,
	type EnvironmentView
} from './store';

const nameTaken = (name: string, project: string) => new AppError('conflict', `Project "${project}" already has an environment named "${name}"`);

/** The project's environments by name. The front door authorized view:instances in the project's org. */
export async function listEnvironments(app: Pick<ProjectDeps, 'db'>, projectId: string): Promise<EnvironmentView[]> {
	const [project] = await app.db.select({ orgId: projects.orgId }).from(projects).where(eq(projects.id, projectId));
	if (!project) throw projectNotFound();
	return environmentViewsOf(app.db, project.orgId, [projectId]);
}

export async function createEnvironment(app: ProjectDeps, actor: ActingUser, input: CreateEnvironmentInput): Promise<EnvironmentView> {
	const now = app.clock.now();
	let projectName = '';
	try {
		return await app.db.transaction(async (tx) => {
			const project = await authorizeForProject(tx, actor, input.projectId);
			projectName = project.name;
			const [row] = await tx
				.insert(environments)
				.values({ orgId: project.orgId, projectId: project.id, name: input.name, createdAt: now, updatedAt: now })
				.returning();
			if (!row) throw new Error('environment insert returned nothing');
			const metadata = { name: row.name, project: project.name, projectId: project.id };
			await auditOrg(tx, project.orgId, actor, { action: 'environment.created', targetType: 'environment', targetId: row.id, metadata }, now);
			return toEnvironmentView(row, 0);
		});
	} catch (err) {
		if (isUniqueViolation(err, 'environments_project_name_unique')) throw nameTaken(input.name, projectName);
		// The project was deleted between the check and the insert.
		if (isForeignKeyViolation(err)) throw projectNotFound();
		throw err;
	}
}

/** The environment and its project after the caller's access is checked: outsiders hear `Environment not found`. */
async function authorizeForEnvironment(tx: DbOrTx, actor: ActingUser, environmentId: string) {
	const orgId = await orgIdOfEnvironment(tx, environmentId);
	if (orgId === null) throw environmentNotFound();
	await authorizeInOrg(tx, { orgId, userId: actor.userId, permission: 'manage:instances', notFoundMessage: environmentNotFound().message });
	const environment = await requireEnvironmentInOrg(tx, orgId, environmentId);
	const project = await requireProjectInOrg(tx, orgId, environment.projectId);
	return { environment, project };
}

export async function renameEnvironment(app: ProjectDeps, actor: ActingUser, input: RenameEnvironmentInput): Promise<EnvironmentView> {
	const now = app.clock.now();
	let projectName = '';
	try {
		return await app.db.transaction(async (tx) => {
			const { environment, project } = await authorizeForEnvironment(tx, actor, input.environmentId);
			projectName = project.name;
			const [row]: Environment[] = await tx
				.update(environments)
				.set({ name: input.name, updatedAt: now })
				.where(and(eq(environments.orgId, environment.orgId), eq(environments.id, environment.id)))
				.returning();
			if (!row) throw environmentNotFound();
			if (environment.name !== row.name) {
				const metadata = { from: environment.name, to: row.name, project: project.name, projectId: project.id };
				await auditOrg(tx, row.orgId, actor, { action: 'environment.renamed', targetType: 'environment', targetId: row.id, metadata }, now);
			}
			return toEnvironmentView(row, await countEnvironmentInstances(tx, row.id));
		});
	} catch (err) {
		if (isUniqueViolation(err, 'environments_project_name_unique')) throw nameTaken(input.name, projectName);
		throw err;
	}
}

export async function deleteEnvironment(app: ProjectDeps, actor: ActingUser, environmentId: string): Promise<{ id: string }> {
	const now = app.clock.now();
	try {
		return await app.db.transaction(async (tx) => {
			const { environment, project } = await authorizeForEnvironment(tx, actor, environmentId);
			const n = await countEnvironmentInstances(tx, environment.id);
			if (n > 0) throw inUse(`Environment "${environment.name}" of project "${project.name}" still has ${n} instance(s); delete them first`);
			await tx.delete(environments).where(and(eq(environments.orgId, environment.orgId), eq(environments.id, environment.id)));
			const metadata = { name: environment.name, project: project.name, projectId: project.id };
			await auditOrg(tx, environment.orgId, actor, { action: 'environment.deleted', targetType: 'environment', targetId: environment.id, metadata }, now);
			return { id: environment.id };
		});
	} catch (err) {
		if (isForeignKeyViolation(err)) throw inUse('Environment still has instances; delete them first');
		throw err;
	}
}
