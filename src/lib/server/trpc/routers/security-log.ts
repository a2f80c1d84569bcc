/** The caller's own security log (account events); scoped by the session's user, never by input. */
import { listSecurityLog } from '../../audit/security-log';
import { securityLogInput } from '../../audit/schemas';
import { protectedProcedure, router } from '../init';

export const securityLogRouter = router({
	list: protectedProcedure
		.input(securityLogInput)
		.query(({ ctx, input }) => listSecurityLog(ctx.app, ctx.auth.user.id, input))
});
