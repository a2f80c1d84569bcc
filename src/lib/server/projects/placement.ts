/**
 * Where a new instance goes: the environment it names by id, or, for clients of the release before
 * projects were records, the project and environment it names as text, found or created.
 *
 * Policy:
 * - `environmentId` must be an environment of the instance's own org; any other id is
 *   `Environment not found` (the same words whether it exists in another org or nowhere).
 * - The names are accepted for one more release (deprecated in the README and the API docs). A
 *   missing name is "default", as migration 0011 did for instances that named none. Records made
 *   this way are audited like those made on the Projects page.
 * - Runs inside the instance's transaction, after the caller's manage:instances was checked.
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { environments, projects, type Environment, type Project } from '../db/schema';
import { auditOrg, type ActingUser } from '../orgs/store';
import { DEFAULT_PLACE_NAME } from './schemas';
import { requireEnvironmentInOrg, requireProjectInOrg } from './store';

export type PlacementInput = { environmentId?: string | undefined; project?: string | undefined; environment?: string | undefined };
export type Placement = { project: Project; environment: Environment };

export async function placeInstance(tx: DbOrTx, orgId: string, actor: ActingUser, input: PlacementInput, now: Date): Promise<Placement> {
	if (input.environmentId !== undefined) {
		const environment = await requireEnvironmentInOrg(tx, orgId, input.environmentId);
		return { environment, project: await requireProjectInOrg(tx, orgId, environment.projectId) };
	}
	const project = await findOrCreateProject(tx, orgId, actor, input.project ?? DEFAULT_PLACE_NAME, now);
	const environment = await findOrCreateEnvironment(tx, project, actor, input.environment ?? DEFAULT_PLACE_NAME, now);
	return { project, environment };
}

async function findOrCreateProject(tx: DbOrTx, orgId: string, actor: ActingUser, name: string, now: Date): Promise<Project> {
	// ON CONFLICT DO NOTHING waits for a concurrent creator, then finds its row below.
	const [created] = await tx.insert(projects).values({ orgId, name, createdAt: now, updatedAt: now }).onConflictDoNothing().returning();
	if (created) {
		await auditOrg(tx, orgId, actor, { action: 'project.created', targetType: 'project', targetId: created.id, metadata: { name } }, now);
		return created;
	}
	const [found] = await tx
		.select()
		.from(projects)
		.where(and(eq(projects.orgId, orgId), eq(projects.name, name)));
	if (!found) throw new Error(`project "${name}" neither inserted nor found`);
	return found;
}

async function findOrCreateEnvironment(tx: DbOrTx, project: Project, actor: ActingUser, name: string, now: Date): Promise<Environment> {
	const [created] = await tx
		.insert(environments)
		.values({ orgId: project.orgId, projectId: project.id, name, createdAt: now, updatedAt: now })
		.onConflictDoNothing()
		.returning();
	if (created) {
		const metadata = { name, project: project.name, projectId: project.id };
		await auditOrg(tx, project.orgId, actor, { action: 'environment.created', targetType: 'environment', targetId: created.id, metadata }, now);
		return created;
	}
	const [found] = await tx
		.select()
		.from(environments)
		.where(and(eq(environments.projectId, project.id), eq(environments.name, name)));
	if (!found) throw new Error(`environment "${name}" neither inserted nor found`);
	return found;
}
