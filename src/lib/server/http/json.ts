/**
 * The REST facade's request and response helpers: bounded JSON bodies validated with the domain's zod
 * schemas, and one mapper from any thrown error to `{error, message}` with the right HTTP status.
 */
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { z } from 'zod';
import { AppError, httpStatusOf, isAppError } from '../errors';
import { logger } from '../logger';
import { readBodyBounded } from './body-limit';
import { describeZodError, isZodError } from './schemas-errors';

/** Reads and validates a JSON body; an empty body is treated as `{}` so optional-only schemas work. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
	const text = await readBodyBounded(request);
	let value: unknown = {};
	if (text.trim() !== '') {
		try {
			value = JSON.parse(text);
		} catch {
			throw new AppError('invalid_request', 'Request body is not valid JSON');
		}
	}
	const parsed = schema.safeParse(value);
	if (!parsed.success) throw new AppError('invalid_request', describeZodError(parsed.error));
	return parsed.data;
}

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(data), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }
	});
}

export function errorJson(error: string, message: string, status: number, extra: Record<string, unknown> = {}) {
	return json({ error, message, ...extra }, status);
}

function fromAppError(err: AppError): Response {
	const status = httpStatusOf(err.code);
	if (err.code === 'rate_limited') {
		const retryAfter = Math.max(1, Math.ceil(err.retryAfterSeconds ?? 60));
		return json({ error: err.code, message: err.message, retryAfter }, status, { 'retry-after': String(retryAfter) });
	}
	return errorJson(err.publicCode ?? err.code, err.message, status);
}

/** The one mapper from anything thrown in a REST handler to the public error shape. */
export function errorToResponse(err: unknown): Response {
	if (isAppError(err)) return fromAppError(err);
	if (err instanceof TRPCError) {
		if (isAppError(err.cause)) return fromAppError(err.cause);
		if (isZodError(err.cause)) return errorJson('invalid_request', describeZodError(err.cause), 400);
		const status = getHTTPStatusCodeFromError(err);
		if (status < 500) return errorJson(err.code.toLowerCase(), err.message, status);
	}
	logger.error('unhandled error in REST handler', { error: err instanceof Error ? err.name : typeof err, detail: err instanceof Error ? err.message : undefined });
	return errorJson('internal', 'Internal error', 500);
}

/** Wraps a REST handler so every failure becomes `{error, message}`. */
export function rest<E>(handler: (event: E) => Promise<Response>): (event: E) => Promise<Response> {
	return async (event) => {
		try {
			return await handler(event);
		} catch (err) {
			return errorToResponse(err);
		}
	};
}
