/**
 * Loads call procedures through the server-side caller; an expected refusal (not a member, not an
 * admin, no such org) becomes the matching error page. Anything else is rethrown unchanged, so its
 * details reach only the server log.
 */
import { error, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';

export function throwPageError(err: unknown): never {
	if (err instanceof TRPCError && err.code !== 'INTERNAL_SERVER_ERROR') {
		if (err.code === 'UNAUTHORIZED') redirect(303, '/login');
		error(getHTTPStatusCodeFromError(err), { message: err.message, code: err.code });
	}
	throw err;
}
