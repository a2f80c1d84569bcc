/**
 * Headers for every response, pages, API and static assets alike. CSP (with frame-ancestors 'none') is
 * emitted by SvelteKit itself from svelte.config.js so its nonces match the page; these cover the rest,
 * and X-Frame-Options for old browsers. The node entry (src/server.ts) sets them before any handler runs,
 * because adapter-node serves /_app files without passing through SvelteKit's hooks.
 */
export function securityHeaders(options: { hsts: boolean }): Record<string, string> {
	const headers: Record<string, string> = {
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'strict-origin-when-cross-origin',
		'x-frame-options': 'DENY',
		'cross-origin-opener-policy': 'same-origin',
		'permissions-policy': 'camera=(), microphone=(), geolocation=()'
	};
	if (options.hsts) headers['strict-transport-security'] = 'max-age=63072000; includeSubDomains';
	return headers;
}

export function applySecurityHeaders(headers: Headers, options: { hsts: boolean }): void {
	for (const [name, value] of Object.entries(securityHeaders(options))) headers.set(name, value);
}
