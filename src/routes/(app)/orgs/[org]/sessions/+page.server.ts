import { orgSessionsInput } from '$lib/server/gateway-sessions/schemas';
import { requireAuth } from '$lib/server/pages/guard';
import { orgFromParam } from '$lib/server/pages/org-param';
import { throwPageError } from '$lib/server/pages/load-error';
import { callerFor } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

/**
 * The org's gateway sessions, newest first. `?instance=<slug>` narrows them to one instance (an
 * instance page links here), `?cursor=` / `?after=` page older / newer, like the audit log.
 */
export const load: PageServerLoad = async ({ locals, url, params }) => {
	requireAuth(locals, url);
	const orgId = (await orgFromParam(locals, params.org)).id;
	const query = {
		instance: url.searchParams.get('instance')?.trim() || undefined,
		cursor: url.searchParams.get('cursor') || undefined,
		after: url.searchParams.get('after') || undefined
	};
	const base = { instance: query.instance ?? '', paged: query.cursor !== undefined || query.after !== undefined, now: new Date() };
	const parsed = orgSessionsInput.safeParse(query);
	if (!parsed.success) return { ...base, sessions: [], nextCursor: null, prevCursor: null, filterError: parsed.error.issues[0]?.message ?? 'Invalid filter' };
	try {
		const page = await callerFor(locals).recordings.sessions({ orgId, ...parsed.data });
		return { ...base, sessions: page.items, nextCursor: page.nextCursor, prevCursor: page.prevCursor, filterError: null };
	} catch (err) {
		throwPageError(err);
	}
};
