/**
 * Gateway session recordings, per instance: `list` is org-scoped (view:audit_logs, checked by
 * orgProcedure); `forInstance` addresses the instance by slug like the REST facade does (instanceProcedure
 * applies the same gate in the instance's org).
 */
import { instanceRecordingsInput, recordingsListInput } from '../../gateway-sessions/schemas';
import { listInstanceRecordings, listRecordingsForUser } from '../../gateway-sessions/recordings';
import { instanceProcedure, orgProcedure, router } from '../init';

export const recordingsRouter = router({
	list: orgProcedure
		.meta({ permission: 'view:audit_logs' })
		.input(recordingsListInput)
		.query(({ ctx, input }) => listInstanceRecordings(ctx.app, input.orgId, input.instanceSlug, input.limit)),
	forInstance: instanceProcedure
		.meta({ permission: 'view:audit_logs' })
		.input(instanceRecordingsInput)
		.query(({ ctx, input }) => listRecordingsForUser(ctx.app, ctx.auth.user.id, input.slug, input.limit))
});
