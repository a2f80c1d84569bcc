import { reauthenticate } from '../../mfa/reauthenticate';
import { disableTwoFactorInput, enableTwoFactorInput, reauthenticateInput, regenerateRecoveryCodesInput, twoFactorSetupInput } from '../../mfa/schemas';
import { disableTwoFactor, enableTwoFactor, regenerateRecoveryCodes, startTwoFactorSetup, twoFactorStatus } from '../../mfa/two-factor';
import { protectedProcedure, router } from '../init';

export const twoFactorRouter = router({
	status: protectedProcedure.query(({ ctx }) => twoFactorStatus(ctx.app, ctx.auth)),
	setup: protectedProcedure.input(twoFactorSetupInput).mutation(({ ctx, input }) => startTwoFactorSetup(ctx.app, ctx.auth, input ?? {})),
	enable: protectedProcedure.input(enableTwoFactorInput).mutation(({ ctx, input }) => enableTwoFactor(ctx.app, ctx.auth, input, ctx.request)),
	disable: protectedProcedure.input(disableTwoFactorInput).mutation(({ ctx, input }) => disableTwoFactor(ctx.app, ctx.auth, input, ctx.request)),
	regenerateRecoveryCodes: protectedProcedure
		.input(regenerateRecoveryCodesInput)
		.mutation(({ ctx, input }) => regenerateRecoveryCodes(ctx.app, ctx.auth, input, ctx.request)),
	/** "Confirm access": the password or a second-factor code, stamping this session for 10 minutes. */
	reauthenticate: protectedProcedure.input(reauthenticateInput).mutation(({ ctx, input }) => reauthenticate(ctx.app, ctx.auth, input, ctx.request))
});
