/**
 * Fixtures for projects and environments. Tests that write instance rows straight into the database
 * (rows the services could not make, such as unbound or legacy ones) need an environment to put them in.
 */
import { and, eq } from 'drizzle-orm';
import { environments, projects } from '../../src/lib/server/db/schema';
import type { TestApp } from './app';

/** The org's "default" project's "default" environment, made when missing, as legacy creation makes it. */
export async function defaultEnvironmentId(app: TestApp, orgId: string): Promise<string> {
	await app.db.insert(projects).values({ orgId, name: 'default' }).onConflictDoNothing();
	const [project] = await app.db
		.select()
		.from(projects)
		.where(and(eq(projects.orgId, orgId), eq(projects.name, 'default')));
	await app.db.insert(environments).values({ orgId, projectId: project!.id, name: 'default' }).onConflictDoNothing();
	const [environment] = await app.db
		.select({ id: environments.id })
		.from(environments)
		.where(and(eq(environments.projectId, project!.id), eq(environments.name, 'default')));
	return environment!.id;
}
