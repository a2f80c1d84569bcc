import { auditListInput } from '$lib/server/audit/schemas';
import { requireAuth } from '$lib/server/pages/guard';
import { orgFromParam } from '$lib/server/pages/org-param';
import { throwPageError } from '$lib/server/pages/load-error';
import { callerFor } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

const FILTERS = ['actor', 'action', 'from', 'to'] as const;

/**
 * The filter form is a GET form, so filters live in the URL (shareable, back-button friendly).
 * Its datetime-local inputs carry no zone: the page labels them UTC, and "to" covers its whole last minute
 * (or second, when the browser sends seconds).
 */
function filtersFrom(url: URL) {
	const raw = Object.fromEntries(FILTERS.map((name) => [name, url.searchParams.get(name)?.trim() ?? '']));
	const query = {
		actor: raw.actor || undefined,
		action: raw.action || undefined,
		from: raw.from ? `${raw.from}Z` : undefined,
		to: raw.to ? `${raw.to}${raw.to.length === 16 ? ':59' : ''}.999Z` : undefined,
		cursor: url.searchParams.get('cursor') || undefined
	};
	return { raw, query };
}

export const load: PageServerLoad = async ({ locals, url, params }) => {
	requireAuth(locals, url);
	const orgId = (await orgFromParam(locals, params.org)).id;
	const { raw, query } = filtersFrom(url);
	const parsed = auditListInput.safeParse(query);
	if (!parsed.success) return { filters: raw, entries: [], nextCursor: null, filterError: parsed.error.issues[0]?.message ?? 'Invalid filter' };
	try {
		const page = await callerFor(locals).audit.list({ orgId, ...parsed.data });
		const entries = page.items.map(({ id, createdAt, actorEmail, action, targetType, targetId, metadata, ipAddress }) => ({
			id, createdAt, actorEmail, action, targetType, targetId, metadata: JSON.stringify(metadata), ipAddress
		}));
		return { filters: raw, entries, nextCursor: page.nextCursor, filterError: null };
	} catch (err) {
		throwPageError(err);
	}
};
