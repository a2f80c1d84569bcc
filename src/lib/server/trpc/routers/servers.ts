/**
 * Servers (Docker engines) of an org. Creating needs `manage:servers`, listing `view:instances`;
 * deleting is addressed by server id alone (REST: DELETE /api/servers/{id}), so the service finds
 * the org and checks membership and `manage:servers` itself.
 */
import { createServerInput, serverIdInput } from '../../servers/schemas';
import { createServer, deleteServer, listServers } from '../../servers/service';
import { orgProcedure, protectedProcedure, router } from '../init';
import { actingUserOf } from './orgs';

export const serversRouter = router({
	create: orgProcedure
		.meta({ permission: 'manage:servers' })
		.input(createServerInput)
		.mutation(({ ctx, input }) =>
			createServer(ctx.app, { ...actingUserOf(ctx), isPlatformAdmin: ctx.auth.user.isPlatformAdmin }, input.orgId, input)
		),
	list: orgProcedure.meta({ permission: 'view:instances' }).query(({ ctx, input }) => listServers(ctx.app, input.orgId)),
	delete: protectedProcedure.input(serverIdInput).mutation(({ ctx, input }) => deleteServer(ctx.app, actingUserOf(ctx), input.serverId))
});
