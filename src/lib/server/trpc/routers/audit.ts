/** The org audit log: read (filtered, paginated) and verify the org's own hash chain. */
import { listOrgAuditLogs } from '../../audit/query';
import { auditListInput } from '../../audit/schemas';
import { verifyAuditChains } from '../../audit/verify';
import { orgProcedure, router } from '../init';

export const auditRouter = router({
	list: orgProcedure
		.meta({ permission: 'view:audit_logs' })
		.input(auditListInput)
		.query(({ ctx, input }) => listOrgAuditLogs(ctx.app, input.orgId, input)),
	verify: orgProcedure
		.meta({ permission: 'view:audit_logs' })
		.query(({ ctx, input }) => verifyAuditChains(ctx.app.db, { chains: [input.orgId] }))
});
