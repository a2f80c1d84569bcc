import { error } from '@sveltejs/kit';
import { requireAuth } from '$lib/server/pages/guard';
import { throwPageError } from '$lib/server/pages/load-error';
import { callerFor } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

/**
 * The browser terminal's page: the instance by its platform-wide slug, if the caller may see it
 * (instances.get asks for view:instances in its org; outsiders get "Instance not found"). Whether it
 * runs is not shown from here: the ticket endpoint answers that live, in words, on the status line.
 * The page holds no ticket: the browser asks for one when it connects, so a reload never reuses one.
 */
export const load: PageServerLoad = async ({ locals, url, params }) => {
	requireAuth(locals, url);
	const caller = callerFor(locals);
	try {
		const [instance, orgs] = await Promise.all([caller.instances.get({ slug: params.slug }), caller.orgs.list()]);
		const org = orgs.find((o) => o.id === instance.orgId);
		if (!org) error(404, 'Instance not found');
		return {
			instance: { slug: instance.slug, name: instance.name },
			org: { slug: org.slug, name: org.name }
		};
	} catch (err) {
		throwPageError(err);
	}
};
