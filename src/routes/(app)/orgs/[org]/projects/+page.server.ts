import {
	createEnvironmentAction,
	createProjectAction,
	deleteEnvironmentAction,
	deleteProjectAction,
	renameEnvironmentAction,
	renameProjectAction
} from '$lib/server/pages/project-actions';
import { requireAuth } from '$lib/server/pages/guard';
import { throwPageError } from '$lib/server/pages/load-error';
import { orgFromParam } from '$lib/server/pages/org-param';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

/**
 * The org's projects, each with its environments and how many instances run in them. projects.list
 * checks view:instances, as the REST route does: a member without it gets the 403 page.
 */
export const load: PageServerLoad = async ({ locals, url, params }) => {
	requireAuth(locals, url);
	const org = await orgFromParam(locals, params.org);
	try {
		return { projects: await callerFor(locals).projects.list({ orgId: org.id }), now: new Date() };
	} catch (err) {
		throwPageError(err);
	}
};

export const actions: Actions = {
	createProject: createProjectAction,
	renameProject: renameProjectAction,
	deleteProject: deleteProjectAction,
	createEnvironment: createEnvironmentAction,
	renameEnvironment: renameEnvironmentAction,
	deleteEnvironment: deleteEnvironmentAction
};
