/**
 * Projects and their environments. Creating and listing an org's projects are org-scoped
 * (orgProcedure); a project or environment is otherwise addressed by its id alone, and
 * projectProcedure / environmentProcedure find its org and apply the same gate (`Project not found`,
 * `Environment not found` for outsiders). Seeing needs view:instances, changing manage:instances.
 */
import { createEnvironment, deleteEnvironment, listEnvironments, renameEnvironment } from '../../projects/environments';
import { createProject, deleteProject, listProjects, renameProject } from '../../projects/projects';
import { createEnvironmentInput, createProjectInput, renameEnvironmentInput, renameProjectInput } from '../../projects/schemas';
import { environmentProcedure, orgProcedure, projectProcedure, router } from '../init';
import { actingUserOf } from './orgs';

export const projectsRouter = router({
	list: orgProcedure.meta({ permission: 'view:instances' }).query(({ ctx, input }) => listProjects(ctx.app, input.orgId)),
	create: orgProcedure
		.meta({ permission: 'manage:instances' })
		.input(createProjectInput)
		.mutation(({ ctx, input }) => createProject(ctx.app, actingUserOf(ctx), input.orgId, input)),
	rename: projectProcedure
		.meta({ permission: 'manage:instances' })
		.input(renameProjectInput)
		.mutation(({ ctx, input }) => renameProject(ctx.app, actingUserOf(ctx), input)),
	delete: projectProcedure.meta({ permission: 'manage:instances' }).mutation(({ ctx, input }) => deleteProject(ctx.app, actingUserOf(ctx), input.projectId)),
	environments: router({
		list: projectProcedure.meta({ permission: 'view:instances' }).query(({ ctx, input }) => listEnvironments(ctx.app, input.projectId)),
		create: projectProcedure
			.meta({ permission: 'manage:instances' })
			.input(createEnvironmentInput)
			.mutation(({ ctx, input }) => createEnvironment(ctx.app, actingUserOf(ctx), input)),
		rename: environmentProcedure
			.meta({ permission: 'manage:instances' })
			.input(renameEnvironmentInput)
			.mutation(({ ctx, input }) => renameEnvironment(ctx.app, actingUserOf(ctx), input)),
		delete: environmentProcedure
			.meta({ permission: 'manage:instances' })
			.mutation(({ ctx, input }) => deleteEnvironment(ctx.app, actingUserOf(ctx), input.environmentId))
	})
});
