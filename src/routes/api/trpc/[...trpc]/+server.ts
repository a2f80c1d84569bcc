import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { RequestHandler } from './$types';
import { AppError, isAppError } from '$lib/server/errors';
import { readBodyBounded } from '$lib/server/http/body-limit';
import { logger } from '$lib/server/logger';
import { createContextInner } from '$lib/server/trpc/init';
import { toTrpcError } from '$lib/server/trpc/errors';
import { appRouter } from '$lib/server/trpc/root';

/**
 * The body is read here, under the one body limit, before tRPC sees it. A body that is too large (or
 * cannot be read) becomes a stream that fails with a TRPCError, which tRPC rethrows as it is: the
 * client gets tRPC's envelope with PAYLOAD_TOO_LARGE and 413 instead of a 400 carrying the adapter's words.
 */
async function withBoundedBody(request: Request): Promise<Request> {
	if (!request.body) return request;
	const init = { method: request.method, headers: request.headers, signal: request.signal };
	try {
		return new Request(request.url, { ...init, body: await readBodyBounded(request) });
	} catch (err) {
		const failure = toTrpcError(isAppError(err) ? err : new AppError('invalid_request', 'Request body could not be read'));
		const failing = new ReadableStream({ start: (controller) => controller.error(failure) });
		return new Request(request.url, { ...init, body: failing, duplex: 'half' } as RequestInit);
	}
}

const handler: RequestHandler = async (event) =>
	fetchRequestHandler({
		endpoint: '/api/trpc',
		req: await withBoundedBody(event.request),
		router: appRouter,
		createContext: () =>
			createContextInner({ app: event.locals.app, auth: event.locals.auth, request: event.locals.request }),
		onError({ error, path }) {
			if (error.code === 'INTERNAL_SERVER_ERROR') logger.error('trpc error', { path, error: error.cause?.name ?? error.name });
		}
	});

export const GET = handler;
export const POST = handler;
