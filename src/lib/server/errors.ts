/**
 * Services throw AppError with a stable code; each front door maps the code to its own form
 * (HTTP status + JSON, tRPC code, SSH line, CLI exit code) in exactly one place.
 * The message is safe to show to the user; never put secrets in it.
 */
export const ERROR_CODES = {
	invalid_request: 400,
	unauthorized: 401,
	invalid_credentials: 401,
	forbidden: 403,
	not_found: 404,
	conflict: 409,
	payload_too_large: 413,
	rate_limited: 429,
	internal: 500,
	/** An upstream we fetched from (e.g. GitHub) failed or was refused by the outbound fetch policy. */
	bad_gateway: 502
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
	readonly code: ErrorCode;
	/** Seconds a client should wait, for rate_limited. */
	readonly retryAfterSeconds: number | undefined;
	/**
	 * A narrower stable code a client can act on (`last_owner`), sent as the REST `error` in place of
	 * the generic one; the HTTP status still comes from `code`.
	 */
	readonly publicCode: string | undefined;

	constructor(code: ErrorCode, message: string, options: { retryAfterSeconds?: number; publicCode?: string; cause?: unknown } = {}) {
		super(message, { cause: options.cause });
		this.name = 'AppError';
		this.code = code;
		this.retryAfterSeconds = options.retryAfterSeconds;
		this.publicCode = options.publicCode;
	}
}

export function httpStatusOf(code: ErrorCode): number {
	return ERROR_CODES[code];
}

export function isAppError(value: unknown): value is AppError {
	return value instanceof AppError || (value instanceof Error && value.name === 'AppError' && 'code' in value);
}
