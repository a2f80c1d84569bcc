import { TRPCError } from '@trpc/server';
import type { AppError, ErrorCode } from '../errors';

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
