/**
 * Cross-site form posts, refused with an answer a person can act on.
 *
 * Policy (SvelteKit's own CSRF rule, which svelte.config.js switches off in favour of this copy): a
 * POST, PUT, PATCH or DELETE whose body is a form (urlencoded, multipart, text/plain: what a page on
 * another site can send without a CORS preflight) must carry an Origin header equal to this server's
 * origin (APP_URL's, which adapter-node gives every request URL). Anything else is refused before any
 * action or endpoint runs, signed in or not: sign-in forms carry no cookie, and a forged sign-in is an
 * attack too. JSON and tRPC requests are not forms; the cookie rule in hooks.server.ts covers them.
 *
 * SvelteKit answers with a bare "403 Cross-site POST form submissions are forbidden", which the sign-in
 * form swallows. The usual cause is not an attack but a person who opened the server at another
 * address than APP_URL (127.0.0.1 for localhost, a VM's IP), so the answer says where to go instead:
 * the /wrong-address page for a browser, `{error, message}` for the API, and one warning line.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { createLogThrottle } from '../log-throttle';
import { logger } from '../logger';
import { errorJson, json } from './json';

const FORM_CONTENT_TYPES = new Set([
	'application/x-www-form-urlencoded',
	'multipart/form-data',
	'text/plain',
	// SvelteKit's binary form encoding (remote form functions), refused by its own check as well.
	'application/x-sveltekit-formdata'
]);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const WRONG_ADDRESS_PATH = '/wrong-address';

export function isCrossSiteFormPost(request: Request, serverOrigin: string): boolean {
	const type = request.headers.get('content-type')?.split(';', 1)[0]?.trim().toLowerCase() ?? '';
	if (!FORM_CONTENT_TYPES.has(type) || !STATE_CHANGING.has(request.method.toUpperCase())) return false;
	return request.headers.get('origin') !== serverOrigin;
}

/** The page the refused form was on, as a path: action URLs ("?/name") lead back to the page itself. */
export function refusedPagePath(url: URL): string {
	return url.search.startsWith('?/') ? url.pathname : url.pathname + url.search;
}

// One line per refused Origin per minute, ten lines a minute at most (src/lib/server/log-throttle.ts).
const refusals = createLogThrottle({ windowMs: 60_000, maxLinesPerWindow: 10 });

function logRefusal(event: RequestEvent, nowMs: number) {
	const origin = event.request.headers.get('origin') ?? '(none)';
	const heldBack = refusals.take(origin, nowMs);
	if (heldBack === null) return;
	logger.warn('cross-site form post refused: the browser is not at APP_URL', {
		origin,
		serverOrigin: event.url.origin,
		method: event.request.method,
		path: event.url.pathname,
		...(heldBack > 0 ? { alsoRefusedUnlogged: heldBack } : {})
	});
}

/**
 * The refusal, shaped for whoever sent it: an enhanced form (SvelteKit's `use:enhance` fetch) gets an
 * action result that navigates to the explanation; a plain form post gets that page itself with 403;
 * the API and JSON clients get `{error, message}`.
 */
export async function refuseCrossSiteFormPost(event: RequestEvent, nowMs: number): Promise<Response> {
	logRefusal(event, nowMs);
	const message = `Cross-site form submission refused. This server's address is ${event.url.origin}: open it there, or set APP_URL.`;
	const explanation = `${WRONG_ADDRESS_PATH}?to=${encodeURIComponent(refusedPagePath(event.url))}`;
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		// Relative on purpose: the browser stays at the address it is on, where the page can be read (a GET
		// is never refused), and the page links to APP_URL. The 403 is for logs; enhance reads the body.
		return json({ type: 'redirect', status: 303, location: explanation }, 403);
	}
	if (event.url.pathname.startsWith('/api/') || event.request.headers.get('accept') === 'application/json') {
		return errorJson('forbidden', message, 403);
	}
	const page = await event.fetch(explanation);
	if (!page.ok) return new Response(message, { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } });
	// The page's own headers carry the CSP whose nonce matches its scripts.
	return new Response(page.body, { status: 403, headers: page.headers });
}
