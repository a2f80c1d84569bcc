import type { RequestHandler } from './$types';
import { SESSION_COOKIE } from '$lib/server/auth/authenticate';
import { logout } from '$lib/server/auth/service';
import { AppError } from '$lib/server/errors';
import { rest } from '$lib/server/http/json';

/** Ends the calling session (Bearer token or cookie). */
export const POST: RequestHandler = rest(async ({ locals, cookies }) => {
	if (!locals.auth) throw new AppError('unauthorized', 'Sign in to continue');
	await logout(locals.app, locals.auth, locals.request);
	if (locals.auth.via === 'cookie') cookies.delete(SESSION_COOKIE, { path: '/' });
	return new Response(null, { status: 204 });
});
