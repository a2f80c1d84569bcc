import { TRPCError } from '@trpc/server';
import { requireAuth } from '$lib/server/pages/guard';
import { acceptInvitationAction, declineInvitationAction } from '$lib/server/pages/invitation-actions';
import { throwPageError } from '$lib/server/pages/load-error';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

/**
 * Two pages in one. Without a token (the account menu's "Invitations"): the signed-in user's pending
 * invitations. With one, the page a mailed link opens (after sign-in or sign-up): /invitations?token=...
 * The token rides in the query, not the path, so request logs (which print paths) never hold it. The
 * invitation is shown only to the account it was sent to; any other account sees that the link is
 * not for them.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	const auth = requireAuth(locals, url);
	const token = url.searchParams.get('token');
	const now = new Date();
	const caller = callerFor(locals);
	if (token === null) return { token: null, email: auth.user.email, now, invitation: null, mine: await caller.invitations.mine() };
	const shown = { token, email: auth.user.email, now, mine: null };
	try {
		return { ...shown, invitation: await caller.invitations.byToken({ token }) };
	} catch (err) {
		// A missing or mangled token is just a link that is not (or no longer) valid for this account.
		if (err instanceof TRPCError && (err.code === 'NOT_FOUND' || err.code === 'BAD_REQUEST')) return { ...shown, invitation: null };
		throwPageError(err);
	}
};

export const actions: Actions = { accept: acceptInvitationAction, decline: declineInvitationAction };
