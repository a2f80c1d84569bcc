/**
 * Every request passes here: CORS for the API, the refusal of cross-site form posts (with a page that
 * says where the server really is), the cross-origin refusal for cookie-authenticated
 * state-changing requests, authentication (cookie or Bearer JWT, always re-checked against the
 * session row), and security headers on every response.
 */
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { getAppContext } from '$lib/server/app-context';
import type { AppConfig } from '$lib/server/config';
import { authenticateRequest, SESSION_COOKIE } from '$lib/server/auth/authenticate';
import { endedSessionReason } from '$lib/server/auth/session-endings';
import { corsHeadersFor, isPreflight } from '$lib/server/http/cors';
import { resolveClientIp } from '$lib/server/http/client-ip';
import { isCrossSiteFormPost, refuseCrossSiteFormPost } from '$lib/server/http/form-origin';
import { errorJson } from '$lib/server/http/json';
import { isMalformedPath, MALFORMED_URL_MESSAGE } from '$lib/server/http/malformed-url';
import { isSafeMethod, isSameOrigin } from '$lib/server/http/origin-check';
import { applySecurityHeaders } from '$lib/server/http/security-headers';
import { allowsWasmCompilation, allowWasmCompilation } from '$lib/server/http/wasm-csp';
import { logger } from '$lib/server/logger';

export const init: ServerInit = async () => {
	await getAppContext();
};

export const handle: Handle = async ({ event, resolve }) => {
	const app = await getAppContext();
	const { config } = app;
	const origin = event.request.headers.get('origin');
	const isApi = event.url.pathname.startsWith('/api/');

	event.locals.app = app;
	event.locals.request = {
		ipAddress: resolveClientIp(event.getClientAddress(), event.request.headers.get('x-forwarded-for'), config.trustedProxyHops),
		userAgent: event.request.headers.get('user-agent')
	};

	// The node entry refuses these first; this covers `vite dev`, where there is no node entry.
	if (isApi && isMalformedPath(event.url.pathname)) {
		return withHeaders(errorJson('invalid_request', MALFORMED_URL_MESSAGE, 400), null, config);
	}

	if (isApi && isPreflight(event.request)) {
		const headers = corsHeadersFor(origin, config.allowedOrigins);
		return new Response(null, { status: headers ? 204 : 403, headers: headers ?? {} });
	}

	// SvelteKit's own form CSRF check is off (svelte.config.js): this one refuses the same requests, and says why.
	if (isCrossSiteFormPost(event.request, event.url.origin)) {
		const refused = await refuseCrossSiteFormPost(event, app.clock.now().getTime());
		return withHeaders(refused, isApi ? origin : null, config);
	}

	const cookieToken = event.cookies.get(SESSION_COOKIE) ?? null;
	event.locals.auth = await authenticateRequest(app, { cookieToken, authorization: event.request.headers.get('authorization') });
	event.locals.signedOut = null;
	if (!event.locals.auth && cookieToken && !isApi) {
		// A page load with a cookie that no longer works: if it was ended on purpose elsewhere, the page
		// guard sends the browser to /login with the reason; the dead cookie goes, so it is said once.
		event.locals.signedOut = await endedSessionReason(app, cookieToken, app.clock.now());
		if (event.locals.signedOut) event.cookies.delete(SESSION_COOKIE, { path: '/' });
	}

	// Cookies ride along on cross-site requests; a state change authenticated by a cookie must come
	// from our own pages. Bearer-token requests carry their credential explicitly and are exempt.
	const cookieAuthenticated = event.locals.auth?.via === 'cookie';
	if (cookieAuthenticated && !isSafeMethod(event.request.method) && !isSameOrigin(event.request, event.url, config.allowedOrigins)) {
		return withHeaders(errorJson('forbidden', 'Cross-origin request refused', 403), origin, config);
	}

	const response = await resolve(event);
	if (allowsWasmCompilation(event.url.pathname)) allowWasmCompilation(response.headers);
	if (config.logRequests) {
		logger.info('request', { method: event.request.method, path: event.url.pathname, status: response.status });
	}
	return withHeaders(response, isApi ? origin : null, config);
};

function withHeaders(response: Response, origin: string | null, config: Pick<AppConfig, 'allowedOrigins' | 'secureCookies'>) {
	const cors = origin ? corsHeadersFor(origin, config.allowedOrigins) : null;
	if (cors) for (const [k, v] of Object.entries(cors)) response.headers.set(k, v);
	applySecurityHeaders(response.headers, { hsts: config.secureCookies });
	return response;
}

/** A 4xx (a malformed URL, a body over the limit, a missing page) is the client's mistake: logged as nothing. */
export const handleError: HandleServerError = ({ error, status }) => {
	if (status >= 500) {
		logger.error('unhandled server error', { error: error instanceof Error ? error.name : String(error) });
		return { message: 'Internal error' };
	}
	if (status === 404) return { message: 'Not found' };
	if (status === 413) return { message: 'Request body too large' };
	return { message: 'Bad request' };
};
