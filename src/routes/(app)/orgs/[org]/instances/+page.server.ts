import { createInstanceAction, forgetAction, powerAction } from '$lib/server/pages/instance-actions';
import { requireAuth } from '$lib/server/pages/guard';
import { throwPageError } from '$lib/server/pages/load-error';
import { orgFromParam } from '$lib/server/pages/org-param';
import { sshAccessOf } from '$lib/server/pages/ssh-access';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

/**
 * The org's instances with their server, project and environment, and how to reach them over SSH,
 * and the environments a new instance can be placed in. instances.list checks
 * view:instances (a member without it gets the 403 page, whatever the sidebar shows); statuses are
 * re-read from Docker by the service.
 */
export const load: PageServerLoad = async ({ locals, url, params }) => {
	requireAuth(locals, url);
	const org = await orgFromParam(locals, params.org);
	const caller = callerFor(locals);
	try {
		const [instances, servers, keys, projects] = await Promise.all([
			caller.instances.list({ orgId: org.id }),
			caller.servers.list({ orgId: org.id }),
			caller.sshKeys.list(),
			caller.projects.list({ orgId: org.id })
		]);
		const serverNames = new Map(servers.map((s) => [s.id, s.name]));
		return {
			instances: instances.map(({ id, slug, name, project, environment, serverId, container, status, createdAt }) => ({
				id,
				slug,
				name,
				project,
				environment,
				server: serverNames.get(serverId) ?? null,
				container,
				status,
				createdAt
			})),
			servers: servers.map(({ id, name, kind }) => ({ id, name, kind })),
			// The creation form's environment picker, grouped by project; empty projects offer nothing to pick.
			projects: projects
				.filter((p) => p.environments.length > 0)
				.map((p) => ({ id: p.id, name: p.name, environments: p.environments.map(({ id, name }) => ({ id, name })) })),
			ssh: sshAccessOf(locals.app),
			hasSshKey: keys.length > 0,
			now: new Date()
		};
	} catch (err) {
		throwPageError(err);
	}
};

export const actions: Actions = {
	create: createInstanceAction,
	start: powerAction('start'),
	stop: powerAction('stop'),
	delete: forgetAction()
};
