/**
 * Instances. Creating and listing one org's instances are org-scoped (orgProcedure checks
 * membership and the declared permission). Instances are otherwise addressed by their
 * platform-wide slug: instanceProcedure finds the instance's org and applies the same gate
 * (`Instance not found` for outsiders); the services check again inside their own transactions.
 */
import { createInstanceInput } from '../../instances/schemas';
import {
	createInstance,
	deleteInstance,
	getInstance,
	listInstances,
	listInstancesForUser,
	startInstance,
	stopInstance
} from '../../instances/service';
import { instanceProcedure, orgProcedure, protectedProcedure, router } from '../init';
import { actingUserOf } from './orgs';

export const instancesRouter = router({
	create: orgProcedure
		.meta({ permission: 'manage:instances' })
		.input(createInstanceInput)
		.mutation(({ ctx, input }) => createInstance(ctx.app, actingUserOf(ctx), input.orgId, input)),
	list: orgProcedure.meta({ permission: 'view:instances' }).query(({ ctx, input }) => listInstances(ctx.app, input.orgId)),
	/** Every org where the caller holds view:instances. */
	listMine: protectedProcedure.query(({ ctx }) => listInstancesForUser(ctx.app, ctx.auth.user.id)),
	get: instanceProcedure.meta({ permission: 'view:instances' }).query(({ ctx, input }) => getInstance(ctx.app, ctx.auth.user.id, input.slug)),
	start: instanceProcedure.meta({ permission: 'manage:instances' }).mutation(({ ctx, input }) => startInstance(ctx.app, actingUserOf(ctx), input.slug)),
	stop: instanceProcedure.meta({ permission: 'manage:instances' }).mutation(({ ctx, input }) => stopInstance(ctx.app, actingUserOf(ctx), input.slug)),
	delete: instanceProcedure.meta({ permission: 'manage:instances' }).mutation(({ ctx, input }) => deleteInstance(ctx.app, actingUserOf(ctx), input.slug))
});
