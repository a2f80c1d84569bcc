/**
 * Gateway sessions and their recordings, view:audit_logs: `list` is org-scoped per instance;
 * `forInstance` addresses the instance by slug like the REST facade does (instanceProcedure applies the
 * same gate in the instance's org); `sessions` and `session` read the org's Sessions page (every
 * session of the org, optionally one instance's). The recording file itself is served by REST
 * (/api/orgs/{orgId}/sessions/{sessionId}/recording), which passes this router's gate first.
 */
import { instanceRecordingsInput, orgSessionInput, orgSessionsInput, recordingsListInput } from '../../gateway-sessions/schemas';
import { listInstanceRecordings, listRecordingsForUser } from '../../gateway-sessions/recordings';
import { getOrgSession, listOrgSessions } from '../../gateway-sessions/org-sessions';
import { instanceProcedure, orgProcedure, router } from '../init';

export const recordingsRouter = router({
	list: orgProcedure
		.meta({ permission: 'view:audit_logs' })
		.input(recordingsListInput)
		.query(({ ctx, input }) => listInstanceRecordings(ctx.app, input.orgId, input.instanceSlug, input.limit)),
	forInstance: instanceProcedure
		.meta({ permission: 'view:audit_logs' })
		.input(instanceRecordingsInput)
		.query(({ ctx, input }) => listRecordingsForUser(ctx.app, ctx.auth.user.id, input.slug, input.limit)),
	sessions: orgProcedure
		.meta({ permission: 'view:audit_logs' })
		.input(orgSessionsInput)
		.query(({ ctx, input }) => listOrgSessions(ctx.app, input.orgId, input)),
	session: orgProcedure
		.meta({ permission: 'view:audit_logs' })
		.input(orgSessionInput)
		.query(({ ctx, input }) => getOrgSession(ctx.app, input.orgId, input.sessionId))
});
