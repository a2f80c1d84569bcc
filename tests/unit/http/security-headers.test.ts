import { describe, expect, it } from 'vitest';
import { corsHeadersFor } from '../../../src/lib/server/http/cors';
import { isSameOrigin } from '../../../src/lib/server/http/origin-check';
import { applySecurityHeaders } from '../../../src/lib/server/http/security-headers';

describe('security headers', () => {
	it('add HSTS only when the app is served over https', () => {
		const https = new Headers();
		applySecurityHeaders(https, { hsts: true });
		expect(https.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
		const http = new Headers();
		applySecurityHeaders(http, { hsts: false });
		expect(http.get('strict-transport-security')).toBeNull();
		expect(http.get('x-frame-options')).toBe('DENY');
	});
});

describe('origin checks', () => {
	const url = new URL('https://ocore.example.com/api/trpc/x');
	const req = (headers: Record<string, string>) => new Request(url, { method: 'POST', headers });
	it('accept our own origin (or referer) and refuse others or none', () => {
		expect(isSameOrigin(req({ origin: 'https://ocore.example.com' }), url, [])).toBe(true);
		expect(isSameOrigin(req({ referer: 'https://ocore.example.com/settings' }), url, [])).toBe(true);
		expect(isSameOrigin(req({ origin: 'https://docs.example.com' }), url, ['https://docs.example.com'])).toBe(true);
		expect(isSameOrigin(req({ origin: 'https://evil.example' }), url, [])).toBe(false);
		expect(isSameOrigin(req({ origin: 'null' }), url, [])).toBe(false);
		expect(isSameOrigin(req({}), url, [])).toBe(false);
	});

	it('give CORS headers only to allowed origins', () => {
		expect(corsHeadersFor('https://a.example', ['https://a.example'])?.['access-control-allow-origin']).toBe('https://a.example');
		expect(corsHeadersFor('https://b.example', ['https://a.example'])).toBeNull();
		expect(corsHeadersFor(null, ['https://a.example'])).toBeNull();
	});
});
