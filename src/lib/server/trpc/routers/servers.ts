/**
 * Servers (Docker engines) of an org. Creating needs `manage:servers`, listing `view:instances`;
 * deleting is addressed by server id alone (REST: DELETE /api/servers/{id}): serverProcedure finds
 * the server's org and applies the same gate.
 */
import { createServerInput } from '../../servers/schemas';
import { checkServers } from '../../servers/reachability';
import { createServer, deleteServer, listServers } from '../../servers/service';
import { orgProcedure, router, serverProcedure } from '../init';
import { actingUserOf } from './orgs';

export const serversRouter = router({
	create: orgProcedure
		.meta({ permission: 'manage:servers' })
		.input(createServerInput)
		.mutation(({ ctx, input }) =>
			createServer(ctx.app, { ...actingUserOf(ctx), isPlatformAdmin: ctx.auth.user.isPlatformAdmin }, input.orgId, input)
		),
	list: orgProcedure.meta({ permission: 'view:instances' }).query(({ ctx, input }) => listServers(ctx.app, input.orgId)),
	/** Asks every engine of the org for its version, with a short timeout each. */
	reachability: orgProcedure.meta({ permission: 'view:instances' }).query(({ ctx, input }) => checkServers(ctx.app, input.orgId)),
	delete: serverProcedure.meta({ permission: 'manage:servers' }).mutation(({ ctx, input }) => deleteServer(ctx.app, actingUserOf(ctx), input.serverId))
});
