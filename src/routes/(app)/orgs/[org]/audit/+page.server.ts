import { auditActionGroups } from '$lib/server/audit/actions';
import { auditListInput } from '$lib/server/audit/schemas';
import { rawFieldsJson } from '$lib/server/audit/raw-fields';
import { requireAuth } from '$lib/server/pages/guard';
import { orgFromParam } from '$lib/server/pages/org-param';
import { throwPageError } from '$lib/server/pages/load-error';
import { callerFor } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

const FILTERS = ['actor', 'action', 'from', 'to'] as const;

/**
 * The filter form is a GET form, so filters live in the URL (shareable, back-button friendly).
 * Its datetime-local inputs carry no zone: the page labels them UTC, and "to" covers its whole last minute
 * (or second, when the browser sends seconds). `exportQuery` is the same filters as the API takes them.
 */
function filtersFrom(url: URL) {
	const raw = Object.fromEntries(FILTERS.map((name) => [name, url.searchParams.get(name)?.trim() ?? '']));
	const filters = {
		actor: raw.actor || undefined,
		action: raw.action || undefined,
		from: raw.from ? `${raw.from}Z` : undefined,
		to: raw.to ? `${raw.to}${raw.to.length === 16 ? ':59' : ''}.999Z` : undefined
	};
	const exportQuery = new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => e[1] !== undefined)).toString();
	const paging = { cursor: url.searchParams.get('cursor') || undefined, after: url.searchParams.get('after') || undefined };
	return { raw, query: { ...filters, ...paging }, exportQuery, paged: paging.cursor !== undefined || paging.after !== undefined };
}

export const load: PageServerLoad = async ({ locals, url, params }) => {
	requireAuth(locals, url);
	const orgId = (await orgFromParam(locals, params.org)).id;
	const { raw, query, exportQuery, paged } = filtersFrom(url);
	const base = { filters: raw, actionGroups: auditActionGroups('org'), exportQuery, paged, now: new Date() };
	const caller = callerFor(locals);
	try {
		const chain = await caller.audit.chainStatus({ orgId });
		const parsed = auditListInput.safeParse(query);
		if (!parsed.success) {
			return { ...base, chain, entries: [], nextCursor: null, prevCursor: null, filterError: parsed.error.issues[0]?.message ?? 'Invalid filter' };
		}
		const page = await caller.audit.list({ orgId, ...parsed.data });
		const entries = page.items.map((e) => ({
			id: e.id,
			sentence: e.description,
			createdAt: e.createdAt,
			who: e.actorEmail ?? 'system',
			whoTitle: e.actorName && e.actorEmail ? `${e.actorName} <${e.actorEmail}>` : undefined,
			ipAddress: e.ipAddress,
			raw: rawFieldsJson(e)
		}));
		return { ...base, chain, entries, nextCursor: page.nextCursor, prevCursor: page.prevCursor, filterError: null };
	} catch (err) {
		throwPageError(err);
	}
};
