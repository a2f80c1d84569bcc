/**
 * Instances. Creating and listing one org's instances are org-scoped (orgProcedure checks
 * membership and the declared permission). Instances are otherwise addressed by their
 * platform-wide slug, so those procedures take no orgId: the service finds the instance's org and
 * checks membership (`Instance not found` for outsiders) and the permission itself.
 */
import { createInstanceInput, instanceSlugInput } from '../../instances/schemas';
import {
	createInstance,
	deleteInstance,
	getInstance,
	listInstances,
	listInstancesForUser,
	startInstance,
	stopInstance
} from '../../instances/service';
import { orgProcedure, protectedProcedure, router } from '../init';
import { actingUserOf } from './orgs';

export const instancesRouter = router({
	create: orgProcedure
		.meta({ permission: 'manage:instances' })
		.input(createInstanceInput)
		.mutation(({ ctx, input }) => createInstance(ctx.app, actingUserOf(ctx), input.orgId, input)),
	list: orgProcedure.meta({ permission: 'view:instances' }).query(({ ctx, input }) => listInstances(ctx.app, input.orgId)),
	/** Every org where the caller holds view:instances. */
	listMine: protectedProcedure.query(({ ctx }) => listInstancesForUser(ctx.app, ctx.auth.user.id)),
	get: protectedProcedure.input(instanceSlugInput).query(({ ctx, input }) => getInstance(ctx.app, ctx.auth.user.id, input.slug)),
	start: protectedProcedure.input(instanceSlugInput).mutation(({ ctx, input }) => startInstance(ctx.app, actingUserOf(ctx), input.slug)),
	stop: protectedProcedure.input(instanceSlugInput).mutation(({ ctx, input }) => stopInstance(ctx.app, actingUserOf(ctx), input.slug)),
	delete: protectedProcedure.input(instanceSlugInput).mutation(({ ctx, input }) => deleteInstance(ctx.app, actingUserOf(ctx), input.slug))
});
