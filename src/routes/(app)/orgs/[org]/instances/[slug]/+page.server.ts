import { error } from '@sveltejs/kit';
import { forgetAction, powerAction } from '$lib/server/pages/instance-actions';
import { requireAuth } from '$lib/server/pages/guard';
import { throwPageError } from '$lib/server/pages/load-error';
import { orgFromParam } from '$lib/server/pages/org-param';
import { sshAccessOf } from '$lib/server/pages/ssh-access';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

const RECENT_SESSIONS = 20;

/**
 * One instance of the org in the URL: status re-read from Docker, its server, the SSH command and,
 * for members with view:audit_logs, its recent gateway sessions. Another org's slug is 404 here even
 * for a member of both orgs: the page belongs to the org in its URL.
 */
export const load: PageServerLoad = async ({ locals, url, params }) => {
	requireAuth(locals, url);
	const org = await orgFromParam(locals, params.org);
	const caller = callerFor(locals);
	try {
		const instance = await caller.instances.get({ slug: params.slug });
		if (instance.orgId !== org.id) error(404, 'Instance not found');
		const canSeeSessions = org.permissions.includes('view:audit_logs');
		const [servers, sessions] = await Promise.all([
			caller.servers.list({ orgId: org.id }),
			canSeeSessions ? caller.recordings.list({ orgId: org.id, instanceSlug: instance.slug, limit: RECENT_SESSIONS }) : null
		]);
		const server = servers.find((s) => s.id === instance.serverId);
		return {
			instance: {
				slug: instance.slug,
				name: instance.name,
				project: instance.project,
				environment: instance.environment,
				container: instance.container,
				status: instance.status,
				createdAt: instance.createdAt
			},
			server: server ? { name: server.name, kind: server.kind, endpoint: server.endpoint } : null,
			sessions: sessions?.map(({ id, userEmail, transport, kind, command, startedAt, endedAt, endReason, exitStatus }) => ({
				id,
				userEmail,
				transport,
				kind,
				command,
				startedAt,
				endedAt,
				endReason,
				exitStatus
			})),
			ssh: sshAccessOf(locals.app),
			now: new Date()
		};
	} catch (err) {
		throwPageError(err);
	}
};

export const actions: Actions = {
	start: powerAction('start'),
	stop: powerAction('stop'),
	delete: forgetAction((orgSlug) => `/orgs/${orgSlug}/instances`)
};
