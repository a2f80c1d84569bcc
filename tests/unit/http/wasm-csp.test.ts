import { describe, expect, it } from 'vitest';
import { allowsWasmCompilation, allowWasmCompilation } from '../../../src/lib/server/http/wasm-csp';

describe('WebAssembly compilation in the CSP', () => {
	it('is allowed on the recording player page only', () => {
		expect(allowsWasmCompilation('/orgs/acme/sessions/6f1c3c52-5a35-4f0e-9a53-2a3f9c2b1d10')).toBe(true);
		for (const path of ['/orgs/acme/sessions', '/orgs/acme', '/settings/security', '/orgs/acme/sessions/x/recording', '/api/orgs/x/sessions/y']) {
			expect(allowsWasmCompilation(path), path).toBe(false);
		}
	});

	it("adds 'wasm-unsafe-eval' to script-src and changes nothing else", () => {
		const headers = new Headers({ 'content-security-policy': "default-src 'self'; script-src 'self' 'nonce-abc'; style-src 'self' 'unsafe-inline'" });
		allowWasmCompilation(headers);
		expect(headers.get('content-security-policy')).toBe("default-src 'self'; script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'");
		allowWasmCompilation(headers);
		expect(headers.get('content-security-policy')!.match(/wasm-unsafe-eval/g)).toHaveLength(1);
	});
});
