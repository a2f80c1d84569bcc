import { AppError } from '../../errors';
import { listOutbox } from '../../mail/outbox';
import { protectedProcedure, router } from '../init';
import { toTrpcError } from '../errors';

/** Platform administration: only users flagged isPlatformAdmin (ADMIN_EMAILS at sign-up). */
const platformAdminProcedure = protectedProcedure.use(({ ctx, next }) => {
	if (!ctx.auth.user.isPlatformAdmin) throw toTrpcError(new AppError('forbidden', 'Platform administrators only'));
	return next();
});

export const adminRouter = router({
	outbox: platformAdminProcedure.query(({ ctx }) => listOutbox(ctx.app.db))
});
