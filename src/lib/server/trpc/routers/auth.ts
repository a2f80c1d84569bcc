import { changePassword } from '../../auth/service';
import { changePasswordInput } from '../../auth/schemas';
import { protectedProcedure, router } from '../init';

export const authRouter = router({
	me: protectedProcedure.query(({ ctx }) => ctx.auth.user),
	changePassword: protectedProcedure
		.input(changePasswordInput)
		.mutation(({ ctx, input }) => changePassword(ctx.app, ctx.auth, input, ctx.request))
});
