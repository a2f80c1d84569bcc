import { requireAuth } from '$lib/server/pages/guard';
import { throwPageError } from '$lib/server/pages/load-error';
import { callerFor } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

/** The procedure refuses non-admins (FORBIDDEN), which becomes this route's 403 page. */
export const load: PageServerLoad = async ({ locals, url }) => {
	requireAuth(locals, url);
	try {
		const messages = await callerFor(locals).admin.outbox();
		return { messages: messages.map(({ id, toAddress, subject, body, createdAt }) => ({ id, toAddress, subject, body, createdAt })) };
	} catch (err) {
		throwPageError(err);
	}
};
