/**
 * What the node entry does to every request before adapter-node's handler sees it: security headers on
 * every response (static assets included; sirv bypasses SvelteKit's hooks), and the refusals that need
 * no application: a path that does not decode (400) and a declared body over the one limit (413).
 * Both answer `{error, message}` and log nothing: they are a client's mistake, not a server fault.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyTooLarge, MAX_REQUEST_BODY_BYTES } from './body-limit';
import { isMalformedPath, MALFORMED_URL_MESSAGE } from './malformed-url';
import { securityHeaders } from './security-headers';

function answer(res: ServerResponse, status: number, error: string, message: string) {
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'cache-control': 'no-store',
		// The unread body stays on the socket; closing it is cheaper than draining up to any size.
		connection: 'close'
	});
	res.end(JSON.stringify({ error, message }));
}

/** Sets the headers and answers a refusal; returns true when the request has been answered. */
export function frontRequest(req: IncomingMessage, res: ServerResponse, options: { hsts: boolean }): boolean {
	for (const [name, value] of Object.entries(securityHeaders(options))) res.setHeader(name, value);
	if (isMalformedPath(req.url ?? '/')) {
		answer(res, 400, 'invalid_request', MALFORMED_URL_MESSAGE);
		return true;
	}
	// tRPC answers in its own envelope, so its route refuses the body itself (same limit, same message).
	const isTrpc = (req.url ?? '').startsWith('/api/trpc/');
	if (!isTrpc && Number(req.headers['content-length'] ?? '0') > MAX_REQUEST_BODY_BYTES) {
		const tooLarge = bodyTooLarge();
		answer(res, 413, tooLarge.code, tooLarge.message);
		return true;
	}
	return false;
}

/** adapter-node reads BODY_SIZE_LIMIT when its handler is imported: the one limit, for streamed bodies. */
export const ADAPTER_BODY_SIZE_LIMIT = String(MAX_REQUEST_BODY_BYTES);
