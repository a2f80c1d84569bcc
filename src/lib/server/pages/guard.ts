/**
 * Authorization for pages. Every +page.server.ts load and action calls requireAuth itself: a layout
 * load can be skipped (client navigation, actions), so a layout guard alone would leave pages open.
 */
import { redirect } from '@sveltejs/kit';
import type { AuthState } from '../auth/types';

export function requireAuth(locals: App.Locals, url: URL): AuthState {
	if (!locals.auth) {
		// Action URLs carry "?/name"; coming back to them after sign-in would re-post nothing useful.
		const back = url.search.startsWith('?/') ? url.pathname : url.pathname + url.search;
		// A session ended elsewhere on purpose says why on the sign-in page (auth/session-endings).
		const why = locals.signedOut ? `&signedOut=${locals.signedOut}` : '';
		redirect(303, `/login?redirectTo=${encodeURIComponent(back)}${why}`);
	}
	return locals.auth;
}

const PROBE_ORIGIN = 'http://same-site.invalid';

/**
 * Where to go after sign-in: only a path on this site. Anything that could leave it ("//evil",
 * "/\\evil", "https://evil", "javascript:") falls back, so ?redirectTo= cannot become an open redirect.
 */
export function safeRedirectPath(raw: string | null | undefined, fallback = '/dashboard'): string {
	if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return fallback;
	try {
		const target = new URL(raw, PROBE_ORIGIN);
		if (target.origin !== PROBE_ORIGIN) return fallback;
		return target.pathname + target.search + target.hash;
	} catch {
		return fallback;
	}
}
