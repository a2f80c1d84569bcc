import { changePasswordInput } from '$lib/server/auth/schemas';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';
import { passkeyActions } from './passkey-actions';

/** What protects the account, at a glance: password, where it is signed in, its SSH keys, recent events. */
export const load: PageServerLoad = async ({ locals, url }) => {
	requireAuth(locals, url);
	const caller = callerFor(locals);
	const [sessions, keys, events, orgs, passkeys] = await Promise.all([
		caller.sessions.list(),
		caller.sshKeys.list(),
		caller.securityLog.list({ limit: 5 }),
		caller.orgs.list(),
		caller.passkeys.list()
	]);
	// Sent here by an org that requires 2FA: named from the caller's own list, never from the URL's text.
	const turnedAwayBy = orgs.find((o) => o.mfaRequired && o.slug === url.searchParams.get('mfa_required'));
	return {
		mfaRequiredBy: turnedAwayBy ? { name: turnedAwayBy.name, slug: turnedAwayBy.slug } : null,
		sessionCount: sessions.length,
		keyCount: keys.length,
		passkeys,
		recentEvents: events.items.map(({ id, summary, createdAt, ipAddress }) => ({ id, summary, createdAt, ipAddress })),
		now: new Date()
	};
};

export const actions: Actions = {
	...passkeyActions,
	changePassword: async ({ request, locals, url }) => {
		requireAuth(locals, url);
		const parsed = parseForm(changePasswordInput, formValues(await request.formData()));
		if (!parsed.ok) return parsed.failure;
		try {
			const { endedSessions } = await callerFor(locals).auth.changePassword(parsed.data);
			const others = endedSessions === 1 ? '1 other session was' : `${endedSessions} other sessions were`;
			return { notice: `Your password was changed. ${others} signed out.` };
		} catch (err) {
			return failFrom(err);
		}
	}
};
