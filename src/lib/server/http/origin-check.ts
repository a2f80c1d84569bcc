/**
 * Same-origin proof for cookie-authenticated state changes: the Origin header (or, when a browser
 * omits it, Referer) must be our own origin or an allowed one. No header at all is refused: every
 * browser sends Origin on POST, PATCH and DELETE, so its absence means a non-browser replaying a cookie.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
	return SAFE_METHODS.has(method.toUpperCase());
}

export function isSameOrigin(request: Request, url: URL, allowedOrigins: readonly string[]): boolean {
	let origin = request.headers.get('origin');
	if (!origin) {
		const referer = request.headers.get('referer');
		if (!referer) return false;
		try {
			origin = new URL(referer).origin;
		} catch {
			return false;
		}
	}
	return origin === url.origin || allowedOrigins.includes(origin);
}
