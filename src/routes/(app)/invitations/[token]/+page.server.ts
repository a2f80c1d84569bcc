import { TRPCError } from '@trpc/server';
import { requireAuth } from '$lib/server/pages/guard';
import { acceptInvitationAction, declineInvitationAction } from '$lib/server/pages/invitation-actions';
import { throwPageError } from '$lib/server/pages/load-error';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

/**
 * The page a mailed invitation link opens (after sign-in or sign-up). It shows the invitation only
 * to the account it was sent to; any other account sees that the link is not for them.
 */
export const load: PageServerLoad = async ({ locals, url, params }) => {
	const auth = requireAuth(locals, url);
	try {
		const invitation = await callerFor(locals).invitations.byToken({ token: params.token });
		return { invitation, email: auth.user.email, now: new Date() };
	} catch (err) {
		if (err instanceof TRPCError && err.code === 'NOT_FOUND') return { invitation: null, email: auth.user.email, now: new Date() };
		throwPageError(err);
	}
};

export const actions: Actions = { accept: acceptInvitationAction, decline: declineInvitationAction };
