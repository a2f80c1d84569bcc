/**
 * CORS: only APP_URL's origin (and DOCS_ORIGIN when set) receive Access-Control-Allow-* headers.
 * Any other origin gets none, so the browser blocks it.
 */
export function corsHeadersFor(origin: string | null, allowedOrigins: readonly string[]): Record<string, string> | null {
	if (!origin || !allowedOrigins.includes(origin)) return null;
	return {
		'access-control-allow-origin': origin,
		'access-control-allow-credentials': 'true',
		'access-control-allow-methods': 'GET, POST, PATCH, PUT, DELETE, OPTIONS',
		'access-control-allow-headers': 'authorization, content-type, x-trpc-source',
		'access-control-max-age': '600',
		vary: 'Origin'
	};
}

export function isPreflight(request: Request): boolean {
	return request.method === 'OPTIONS' && request.headers.has('access-control-request-method');
}
