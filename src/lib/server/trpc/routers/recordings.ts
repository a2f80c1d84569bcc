/**
 * Gateway session recordings, per instance: `list` is org-scoped (view:audit_logs, checked by
 * orgProcedure); `forInstance` addresses the instance by slug like the REST facade does, and the
 * service checks membership and view:audit_logs in the instance's org.
 */
import { instanceRecordingsInput, recordingsListInput } from '../../gateway-sessions/schemas';
import { listInstanceRecordings, listRecordingsForUser } from '../../gateway-sessions/recordings';
import { orgProcedure, protectedProcedure, router } from '../init';

export const recordingsRouter = router({
	list: orgProcedure
		.meta({ permission: 'view:audit_logs' })
		.input(recordingsListInput)
		.query(({ ctx, input }) => listInstanceRecordings(ctx.app, input.orgId, input.instanceSlug, input.limit)),
	forInstance: protectedProcedure
		.input(instanceRecordingsInput)
		.query(({ ctx, input }) => listRecordingsForUser(ctx.app, ctx.auth.user.id, input.slug, input.limit))
});
