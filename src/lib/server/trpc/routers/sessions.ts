import { sessionIdInput } from '../../auth/schemas';
import { listSessions, revokeOtherSessions, revokeSession } from '../../sessions/service';
import { protectedProcedure, router } from '../init';

export const sessionsRouter = router({
	list: protectedProcedure.query(({ ctx }) => listSessions(ctx.app, ctx.auth)),
	revoke: protectedProcedure
		.input(sessionIdInput)
		.mutation(({ ctx, input }) => revokeSession(ctx.app, ctx.auth, input.sessionId, ctx.request)),
	revokeOthers: protectedProcedure.mutation(({ ctx }) => revokeOtherSessions(ctx.app, ctx.auth, ctx.request))
});
