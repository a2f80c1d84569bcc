import { TRPCError } from '@trpc/server';
import { isAppError, type AppError, type ErrorCode } from '../errors';
import { describeZodError, isZodError } from '../http/schemas-errors';

const TRPC_CODE: Record<ErrorCode, TRPCError['code']> = {
	invalid_request: 'BAD_REQUEST',
	unauthorized: 'UNAUTHORIZED',
	invalid_credentials: 'UNAUTHORIZED',
	forbidden: 'FORBIDDEN',
	not_found: 'NOT_FOUND',
	conflict: 'CONFLICT',
	payload_too_large: 'PAYLOAD_TOO_LARGE',
	rate_limited: 'TOO_MANY_REQUESTS',
	internal: 'INTERNAL_SERVER_ERROR',
	bad_gateway: 'BAD_GATEWAY'
};

export function toTrpcError(error: AppError): TRPCError {
	return new TRPCError({ code: TRPC_CODE[error.code], message: error.message, cause: error });
}

const GENERIC_MESSAGE: Partial<Record<TRPCError['code'], string>> = {
	BAD_REQUEST: 'Invalid request',
	PARSE_ERROR: 'Invalid request',
	PAYLOAD_TOO_LARGE: 'Request body too large'
};

/**
 * The message a tRPC client may see. A service's AppError message is written for users; a failed input
 * schema names the field, as REST does; an error tRPC raised itself without a cause ("No procedure found
 * on path") is tRPC's own wording. Anything else carries a message from inside a library (a JSON parser,
 * superjson's deserialiser, a stack overflow) and is replaced by a generic one for its code.
 */
export function publicTrpcMessage(error: TRPCError): string {
	if (isAppError(error.cause)) return error.cause.message;
	if (isZodError(error.cause)) return describeZodError(error.cause);
	if (error.code === 'INTERNAL_SERVER_ERROR') return 'Internal error';
	if (error.cause === undefined) return error.message;
	return GENERIC_MESSAGE[error.code] ?? 'Request refused';
}
