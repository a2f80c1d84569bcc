/**
 * The Content-Security-Policy (svelte.config.js) allows scripts from this origin only, and no
 * compilation of code at run time. The recording player (asciinema-player) compiles its terminal
 * emulator from WebAssembly, which needs 'wasm-unsafe-eval' (it still forbids eval() of strings).
 * SvelteKit's CSP setting is global, so the one page that plays recordings gets it here and no other
 * page does. Links to that page reload the document (data-sveltekit-reload): a document keeps the CSP
 * it was loaded with.
 */
const RECORDING_PLAYER_PAGE = /^\/orgs\/[^/]+\/sessions\/[^/]+\/?$/;

export function allowsWasmCompilation(pathname: string): boolean {
	return RECORDING_PLAYER_PAGE.test(pathname);
}

/** Adds 'wasm-unsafe-eval' to the script-src directive of the response's policy, if it has one. */
export function allowWasmCompilation(headers: Headers): void {
	const policy = headers.get('content-security-policy');
	if (!policy) return;
	const directives = policy.split(';').map((d) => d.trim());
	const updated = directives.map((d) => (d.startsWith('script-src ') && !d.includes("'wasm-unsafe-eval'") ? `${d} 'wasm-unsafe-eval'` : d));
	headers.set('content-security-policy', updated.join('; '));
}
