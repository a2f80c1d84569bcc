import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { RequestHandler } from './$types';
import { createContextInner } from '$lib/server/trpc/init';
import { appRouter } from '$lib/server/trpc/root';
import { logger } from '$lib/server/logger';

const handler: RequestHandler = (event) =>
	fetchRequestHandler({
		endpoint: '/api/trpc',
		req: event.request,
		router: appRouter,
		createContext: () =>
			createContextInner({ app: event.locals.app, auth: event.locals.auth, request: event.locals.request }),
		onError({ error, path }) {
			if (error.code === 'INTERNAL_SERVER_ERROR') logger.error('trpc error', { path, error: error.cause?.name ?? error.name });
		}
	});

export const GET = handler;
export const POST = handler;
