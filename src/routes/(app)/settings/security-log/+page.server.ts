import { securityLogInput } from '$lib/server/audit/schemas';
import { requireAuth } from '$lib/server/pages/guard';
import { throwPageError } from '$lib/server/pages/load-error';
import { callerFor } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

/** The caller's own account events, a page at a time (?cursor= from the "Older events" link). */
export const load: PageServerLoad = async ({ locals, url }) => {
	requireAuth(locals, url);
	const parsed = securityLogInput.safeParse({ cursor: url.searchParams.get('cursor') || undefined });
	// A mangled cursor shows the newest page rather than an error.
	const input = parsed.success ? parsed.data : securityLogInput.parse({});
	try {
		const page = await callerFor(locals).securityLog.list(input);
		return { page, paged: input.cursor !== undefined, now: new Date() };
	} catch (err) {
		throwPageError(err);
	}
};
