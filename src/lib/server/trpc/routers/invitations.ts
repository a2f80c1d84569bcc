/**
 * The signed-in user's own invitations. Protected, not org-scoped: the caller is not a member yet.
 * Each procedure finds the invitation by the caller's email, so someone else's is NOT_FOUND.
 */
import { acceptInvitation, declineInvitation, findMyInvitationByToken, listMyInvitations } from '../../orgs/invitee';
import { invitationInput, invitationTokenInput } from '../../orgs/schemas';
import { protectedProcedure, router } from '../init';
import { actingUserOf } from './orgs';

export const invitationsRouter = router({
	mine: protectedProcedure.query(({ ctx }) => listMyInvitations(ctx.app, actingUserOf(ctx))),
	byToken: protectedProcedure
		.input(invitationTokenInput)
		.query(({ ctx, input }) => findMyInvitationByToken(ctx.app, actingUserOf(ctx), input.token)),
	accept: protectedProcedure
		.input(invitationInput)
		.mutation(({ ctx, input }) => acceptInvitation(ctx.app, actingUserOf(ctx), input)),
	decline: protectedProcedure
		.input(invitationInput)
		.mutation(({ ctx, input }) => declineInvitation(ctx.app, actingUserOf(ctx), input))
});
