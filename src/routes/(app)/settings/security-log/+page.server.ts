import { rawFieldsJson } from '$lib/server/audit/raw-fields';
import { securityLogInput } from '$lib/server/audit/schemas';
import { requireAuth } from '$lib/server/pages/guard';
import { throwPageError } from '$lib/server/pages/load-error';
import { callerFor } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

/** The caller's own account events, a page at a time (?cursor= older, ?after= newer). */
export const load: PageServerLoad = async ({ locals, url }) => {
	requireAuth(locals, url);
	const parsed = securityLogInput.safeParse({ cursor: url.searchParams.get('cursor') || undefined, after: url.searchParams.get('after') || undefined });
	// A mangled cursor shows the newest page rather than an error.
	const input = parsed.success ? parsed.data : securityLogInput.parse({});
	try {
		const page = await callerFor(locals).securityLog.list(input);
		const events = page.items.map((e) => ({
			id: e.id,
			sentence: e.summary,
			createdAt: e.createdAt,
			who: e.browser === 'Unknown' ? e.device : `${e.device}, ${e.browser}`,
			whoTitle: e.userAgent ?? undefined,
			ipAddress: e.ipAddress,
			raw: rawFieldsJson(e)
		}));
		const paged = input.cursor !== undefined || input.after !== undefined;
		return { events, nextCursor: page.nextCursor, prevCursor: page.prevCursor, paged, now: new Date() };
	} catch (err) {
		throwPageError(err);
	}
};
