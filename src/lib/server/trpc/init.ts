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
import { authorizeInOrg } from '../orgs/access';
import { requireOwner } from '../orgs/guards';
import type { Permission } from '../orgs/permissions';
import { publicTrpcMessage, toTrpcError } from './errors';
import { instanceSlugInput } from '../instances/schemas';
import { orgIdOfInstance } from '../instances/service';
import { environmentIdInput, projectIdInput } from '../projects/schemas';
import { orgIdOfEnvironment, orgIdOfProject } from '../projects/store';
import { serverIdInput } from '../servers/schemas';
import { orgIdOfServer } from '../servers/service';

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
			const appCode = isAppError(error.cause) ? (error.cause.publicCode ?? error.cause.code) : undefined;
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

/** The gate of every org-scoped procedure: the declared permission, asked of the one rule (orgs/access.ts). */
function requireDeclared(meta: ProcedureMeta | undefined): asserts meta is ProcedureMeta {
	if (!meta?.permission && !meta?.ownerOnly) {
		// A procedure without a declared permission is a programming error, never an open door.
		throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Procedure declares no permission' });
	}
}

async function authorizeDeclared(ctx: TrpcContext & { auth: AuthState }, meta: ProcedureMeta | undefined, orgId: string, notFoundMessage?: string) {
	requireDeclared(meta);
	const access = await authorizeInOrg(ctx.app.db, { orgId, userId: ctx.auth.user.id, permission: meta.permission, notFoundMessage });
	if (meta.ownerOnly) requireOwner(access);
	return access;
}

/** Addressed by orgId. Outsiders learn nothing about whether the org exists. */
export const orgProcedure = protectedProcedure.input(orgIdInput).use(async ({ ctx, input, meta, next }) => {
	const access = await authorizeDeclared(ctx, meta, input.orgId);
	return next({ ctx: { ...ctx, access } });
});

/**
 * Addressed by one of an org's resources instead of an orgId (an instance by its platform-wide slug,
 * a server by its id): the middleware finds the resource's org, then applies the same gate. An
 * outsider hears that the resource is not found, exactly as for a slug or id that does not exist.
 */
function resourceProcedure<Input extends z.ZodObject>(
	input: Input,
	orgIdOf: (app: AppContext, input: z.infer<Input>) => Promise<string | null>,
	notFoundMessage: string
) {
	return protectedProcedure.input(input).use(async ({ ctx, input: parsed, meta, next }) => {
		requireDeclared(meta);
		const orgId = await orgIdOf(ctx.app, parsed as z.infer<Input>);
		if (orgId === null) throw new AppError('not_found', notFoundMessage);
		const access = await authorizeDeclared(ctx, meta, orgId, notFoundMessage);
		return next({ ctx: { ...ctx, access } });
	});
}

export const instanceProcedure = resourceProcedure(instanceSlugInput, (app, i) => orgIdOfInstance(app.db, i.slug), 'Instance not found');
export const serverProcedure = resourceProcedure(serverIdInput, (app, i) => orgIdOfServer(app.db, i.serverId), 'Server not found');
export const projectProcedure = resourceProcedure(projectIdInput, (app, i) => orgIdOfProject(app.db, i.projectId), 'Project not found');
export const environmentProcedure = resourceProcedure(environmentIdInput, (app, i) => orgIdOfEnvironment(app.db, i.environmentId), 'Environment not found');
