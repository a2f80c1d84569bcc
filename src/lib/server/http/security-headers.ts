/**
 * Headers for every response. CSP (with frame-ancestors 'none') is emitted by SvelteKit itself from
 * svelte.config.js so its nonces match the page; these cover the rest, and X-Frame-Options for old browsers.
 */
export function applySecurityHeaders(headers: Headers, options: { hsts: boolean }): void {
	headers.set('x-content-type-options', 'nosniff');
	headers.set('referrer-policy', 'strict-origin-when-cross-origin');
	headers.set('x-frame-options', 'DENY');
	headers.set('cross-origin-opener-policy', 'same-origin');
	headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
	if (options.hsts) headers.set('strict-transport-security', 'max-age=63072000; includeSubDomains');
}
