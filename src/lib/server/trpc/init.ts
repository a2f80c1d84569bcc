/**
 * tRPC is initialised once here. Procedures are built only from the exported builders:
 * publicProcedure, protectedProcedure (a signed-in user) and orgProcedure (a member of the org named
 * by `input.orgId` holding the permission given in `.meta({ permission })`). Permission is checked in
 * exactly one middleware, on the server, for every call.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import type { AuthState, RequestMeta } from '../auth/types';
import { AppError, isAppError } from '../errors';
import { loadMembershipAccess } from '../orgs/access';
import type { Permission } from '../orgs/permissions';
import { publicTrpcMessage, toTrpcError } from './errors';

export type TrpcContext = {
	app: AppContext;
	auth: AuthState | null;
	request: RequestMeta;
};

/** The inner context factory takes plain values, so tests build it without HTTP. */
export function createContextInner(ctx: TrpcContext): TrpcContext {
	return ctx;
}

export type ProcedureMeta = {
	/** Required for orgProcedure; the walk-every-procedure test reads it. */
	permission?: Permission;
	/** Only org owners may call it (transfer ownership, delete org). */
	ownerOnly?: boolean;
};

const t = initTRPC
	.context<TrpcContext>()
	.meta<ProcedureMeta>()
	.create({
		transformer: superjson,
		errorFormatter({ shape, error }) {
			const appCode = isAppError(error.cause) ? error.cause.code : undefined;
			return { ...shape, message: publicTrpcMessage(error), data: { ...shape.data, appCode, stack: undefined } };
		}
	});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps AppError thrown by services to TRPCError in one place. */
const mapErrors = t.middleware(async ({ next }) => {
	const result = await next();
	if (!result.ok && !(result.error.cause instanceof TRPCError) && isAppError(result.error.cause)) {
		throw toTrpcError(result.error.cause);
	}
	return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
	if (!ctx.auth) throw toTrpcError(new AppError('unauthorized', 'Sign in to continue'));
	return next({ ctx: { ...ctx, auth: ctx.auth } });
});

export const orgIdInput = z.object({ orgId: z.uuid() });

export const orgProcedure = protectedProcedure
	.input(orgIdInput)
	.use(async ({ ctx, input, meta, next }) => {
		if (!meta?.permission && !meta?.ownerOnly) {
			// A procedure without a declared permission is a programming error, never an open door.
			throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Procedure declares no permission' });
		}
		const access = await loadMembershipAccess(ctx.app.db, input.orgId, ctx.auth.user.id);
		// Outsiders learn nothing about whether the org exists.
		if (!access) throw toTrpcError(new AppError('not_found', 'Organization not found'));
		if (meta.ownerOnly && !access.isOwner) {
			throw toTrpcError(new AppError('forbidden', 'Only an owner of this organization may do that'));
		}
		if (meta.permission && !access.permissions.has(meta.permission)) {
			throw toTrpcError(new AppError('forbidden', `Permission denied: ${meta.permission}`));
		}
		return next({ ctx: { ...ctx, access } });
	});
