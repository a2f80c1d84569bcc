/**
 * Passkeys (WebAuthn). A user's own passkeys are theirs alone (protectedProcedure, every service
 * query scoped to the caller). Sign-in options and verification are public: they are how a user
 * without a session proves who they are. Re-authentication needs the session it re-authenticates.
 */
import { answerMfaWithPasskey, reauthenticateWithPasskey, reauthenticationOptions, signInOptions, signInWithPasskey } from '../../passkeys/authentication';
import { deletePasskey, listPasskeys, renamePasskey } from '../../passkeys/manage';
import { registerPasskey, registrationOptions } from '../../passkeys/registration';
import { deletePasskeyInput, reauthVerifyInput, registerPasskeyInput, renamePasskeyInput, signInOptionsInput, signInVerifyInput } from '../../passkeys/schemas';
import { protectedProcedure, publicProcedure, router } from '../init';

export const passkeysRouter = router({
	list: protectedProcedure.query(({ ctx }) => listPasskeys(ctx.app, ctx.auth.user.id)),
	registrationOptions: protectedProcedure.mutation(({ ctx }) => registrationOptions(ctx.app, ctx.auth)),
	register: protectedProcedure.input(registerPasskeyInput).mutation(({ ctx, input }) => registerPasskey(ctx.app, ctx.auth, input, ctx.request)),
	rename: protectedProcedure.input(renamePasskeyInput).mutation(({ ctx, input }) => renamePasskey(ctx.app, ctx.auth, input.id, input.name, ctx.request)),
	delete: protectedProcedure.input(deletePasskeyInput).mutation(({ ctx, input }) => deletePasskey(ctx.app, ctx.auth, input.id, ctx.request)),
	signInOptions: publicProcedure.input(signInOptionsInput).mutation(({ ctx, input }) => signInOptions(ctx.app, input.mfaToken, ctx.request)),
	/** API sign-in: tokens, exactly as POST /api/auth/login answers; with mfaToken, the second step of that login. */
	signIn: publicProcedure
		.input(signInVerifyInput)
		.mutation(({ ctx, input }) =>
			input.mfaToken === undefined
				? signInWithPasskey(ctx.app, input.response, 'api', ctx.request)
				: answerMfaWithPasskey(ctx.app, input.response, input.mfaToken, 'api', ctx.request)
		),
	reauthenticationOptions: protectedProcedure.mutation(({ ctx }) => reauthenticationOptions(ctx.app, ctx.auth)),
	reauthenticate: protectedProcedure.input(reauthVerifyInput).mutation(({ ctx, input }) => reauthenticateWithPasskey(ctx.app, ctx.auth, input.response, ctx.request))
});
