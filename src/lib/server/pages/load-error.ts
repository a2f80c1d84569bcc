/**
 * Loads call procedures through the server-side caller; an expected refusal (not a member, not an
 * admin, no such org) becomes the matching error page. Anything else is rethrown unchanged, so its
 * details reach only the server log.
 */
import { error, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { isAppError } from '../errors';

export function throwPageError(err: unknown): never {
	if (err instanceof TRPCError && err.code !== 'INTERNAL_SERVER_ERROR') {
		if (err.code === 'UNAUTHORIZED') redirect(303, '/login');
		// An org's 2FA requirement: orgFromParam sends the member on with the org named; this is the fallback.
		if (isAppError(err.cause) && err.cause.publicCode === 'mfa_required') redirect(303, '/settings/security');
		error(getHTTPStatusCodeFromError(err), { message: err.message, code: err.code });
	}
	throw err;
}
