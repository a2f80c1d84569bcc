/**
 * The caller's own account: profile, name, email change, deletion. Everything but confirming an
 * email change is the signed-in user's own business (protectedProcedure, scoped to ctx.auth); the
 * confirmation is public because the mailed token is the proof, and the link may be opened anywhere.
 */
import { deleteAccount } from '../../account/delete-account';
import { cancelEmailChange, confirmEmailChange, findPendingEmailChange, requestEmailChange, resendEmailChange } from '../../account/email-change';
import { getProfile, updateName } from '../../account/profile';
import { confirmEmailChangeInput, deleteAccountInput, requestEmailChangeInput, updateNameInput } from '../../account/schemas';
import { protectedProcedure, publicProcedure, router } from '../init';

export const accountRouter = router({
	profile: protectedProcedure.query(({ ctx }) => getProfile(ctx.app, ctx.auth)),
	updateName: protectedProcedure.input(updateNameInput).mutation(({ ctx, input }) => updateName(ctx.app, ctx.auth, input, ctx.request)),
	pendingEmailChange: protectedProcedure.query(({ ctx }) => findPendingEmailChange(ctx.app, ctx.auth.user.id)),
	requestEmailChange: protectedProcedure
		.input(requestEmailChangeInput)
		.mutation(({ ctx, input }) => requestEmailChange(ctx.app, ctx.auth, input, ctx.request)),
	resendEmailChange: protectedProcedure.mutation(({ ctx }) => resendEmailChange(ctx.app, ctx.auth)),
	cancelEmailChange: protectedProcedure.mutation(({ ctx }) => cancelEmailChange(ctx.app, ctx.auth, ctx.request)),
	confirmEmailChange: publicProcedure
		.input(confirmEmailChangeInput)
		.mutation(({ ctx, input }) => confirmEmailChange(ctx.app, input.token, ctx.request)),
	delete: protectedProcedure.input(deleteAccountInput).mutation(({ ctx, input }) => deleteAccount(ctx.app, ctx.auth, input, ctx.request))
});
