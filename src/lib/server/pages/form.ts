/**
 * The form-action front door's one error mapper: validation failures and expected service
 * rejections become fail(status, { message, field }) that the page shows next to the form or field.
 * Unknown errors are rethrown so SvelteKit's handleError logs them and shows a generic page.
 */
import { fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { z } from 'zod';
import { httpStatusOf, isAppError, type AppError } from '../errors';
import { looksLikePrivateKey } from '../ssh-keys/parse';

/**
 * `action` names which of several forms on a page failed, so only that one shows the message;
 * `clear` names fields the page must empty (a private key pasted by mistake must not stay on screen).
 */
export type FormFailure = { message: string; field?: string; action?: string; values?: Record<string, string>; clear?: string[] };

type Parsed<T> = { ok: true; data: T } | { ok: false; failure: ReturnType<typeof fail<FormFailure>> };

/** Plain text fields of a form; file inputs and repeated names are not used by these forms. */
export function formValues(form: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of form) if (typeof value === 'string') values[key] ??= value;
	return values;
}

/**
 * Names never sent back to the page to refill a form. Pasted SSH keys are among them: the field may
 * hold a private key pasted by mistake, which must not travel back in a page.
 */
const SECRET_FIELDS = /password|token|publicKey/i;

function echoable(values: Record<string, unknown>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(values)) {
		// A private key pasted into any field (the name, say) is not sent back either.
		if (typeof value === 'string' && !SECRET_FIELDS.test(key) && !looksLikePrivateKey(value)) out[key] = value;
	}
	return out;
}

/** Validates with the shared zod input schema; the first issue names the field to show it beside. */
export function parseForm<S extends z.ZodType>(
	schema: S,
	input: Record<string, unknown>,
	action?: string
): Parsed<z.infer<S>> {
	const result = schema.safeParse(input);
	if (result.success) return { ok: true, data: result.data };
	const issue = result.error.issues[0];
	const field = typeof issue?.path[0] === 'string' ? issue.path[0] : undefined;
	return {
		ok: false,
		failure: fail(400, { message: issue?.message ?? 'Invalid input', field, action, values: echoable(input) })
	};
}

/** "1 second", "45 seconds", "15 minutes": a wait as a person would say it. */
function describeWait(seconds: number): string {
	const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
	return seconds < 120 ? plural(Math.ceil(seconds), 'second') : plural(Math.ceil(seconds / 60), 'minute');
}

function messageOf(error: AppError): string {
	if (error.code === 'rate_limited' && error.retryAfterSeconds) {
		return `${error.message} Try again in ${describeWait(error.retryAfterSeconds)}.`;
	}
	return error.message;
}

/** Services name the offending input as "field: message" (the REST contract names the field). */
function splitFieldPrefix(text: string): { field?: string; message: string } {
	const match = /^([a-z][A-Za-z0-9]*): (.+)$/s.exec(text);
	return match ? { field: match[1], message: match[2]! } : { message: text };
}

/**
 * Maps a failure of a service or a tRPC caller to fail(). `field` says which input the message
 * belongs beside when the service's answer is about one field (e.g. the current password).
 */
export function failFrom(err: unknown, options: { field?: string; action?: string; values?: Record<string, unknown>; clear?: string[] } = {}) {
	const values = options.values ? echoable(options.values) : undefined;
	const clear = options.clear;
	const appError = isAppError(err) ? err : err instanceof TRPCError && isAppError(err.cause) ? err.cause : null;
	if (appError) {
		if (appError.code === 'unauthorized') redirect(303, '/login');
		const { field, message } = splitFieldPrefix(messageOf(appError));
		return fail(httpStatusOf(appError.code), { message, field: field ?? options.field, action: options.action, values, clear });
	}
	if (err instanceof TRPCError && err.code !== 'INTERNAL_SERVER_ERROR') {
		if (err.code === 'UNAUTHORIZED') redirect(303, '/login');
		// A tRPC input-validation message is a JSON dump of zod issues; never show that raw.
		const message = err.code === 'BAD_REQUEST' && err.message.startsWith('[') ? 'Invalid input' : err.message;
		return fail(getHTTPStatusCodeFromError(err), { message, field: options.field, action: options.action, values, clear });
	}
	throw err;
}
