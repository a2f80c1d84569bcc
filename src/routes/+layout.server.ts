import type { LayoutServerLoad } from './$types';

/**
 * Only what the nav bar shows. Pages never rely on this for authorization.
 * Reading url.pathname makes it run again on every client-side navigation, so a session ended
 * elsewhere (revoked, password changed) also drops the stale name and sign-out button.
 */
export const load: LayoutServerLoad = ({ locals, url }) => {
	void url.pathname;
	const user = locals.auth?.user;
	return { user: user ? { name: user.name, email: user.email, isPlatformAdmin: user.isPlatformAdmin } : null };
};
