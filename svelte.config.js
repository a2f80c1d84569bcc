import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// SvelteKit adds nonces/hashes for its own inline scripts, so no 'unsafe-inline' is needed.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				// The recording player's page alone also allows compiling WebAssembly (src/lib/server/http/wasm-csp.ts).
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				'connect-src': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none'],
				'base-uri': ['self'],
				'object-src': ['none']
			}
		},
		// SvelteKit's form CSRF check is off ('*' is its documented switch) because hooks.server.ts runs the
		// same rule (src/lib/server/http/form-origin.ts) and answers a person with a page saying where the
		// server really is, instead of a bare 403. The hooks also refuse every cookie-authenticated
		// cross-origin state change (JSON and tRPC included), which the built-in check never covered.
		csrf: { trustedOrigins: ['*'] },
		// Root-relative asset URLs: that refusal page is served at the refused form's own URL (say
		// /orgs/acme/members), where "./_app/..." would point into that path. oCore is always served at /.
		paths: { relative: false }
	}
};

export default config;
