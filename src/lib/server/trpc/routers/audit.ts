/** The org audit log: read (filtered, paginated, in sentences) and verify the org's own hash chain. */
import { orgChainStatus } from '../../audit/chain-status';
import { listOrgAuditLogs } from '../../audit/query';
import { auditListInput } from '../../audit/schemas';
import { verifyAuditChains } from '../../audit/verify';
import { orgProcedure, router } from '../init';

export const auditRouter = router({
	list: orgProcedure
		.meta({ permission: 'view:audit_logs' })
		.input(auditListInput)
		.query(({ ctx, input }) => listOrgAuditLogs(ctx.app, input.orgId, input)),
	/** Every row re-hashed now: for the operator and the tests. */
	verify: orgProcedure
		.meta({ permission: 'view:audit_logs' })
		.query(({ ctx, input }) => verifyAuditChains(ctx.app.db, { chains: [input.orgId] })),
	/** The page's indicator: verified incrementally, in full every few minutes (chain-status.ts). */
	chainStatus: orgProcedure
		.meta({ permission: 'view:audit_logs' })
		.query(({ ctx, input }) => orgChainStatus(ctx.app, input.orgId))
});
