import { changePasswordInput } from '$lib/server/auth/schemas';
import { disableTwoFactorInput, regenerateRecoveryCodesInput } from '$lib/server/mfa/schemas';
import { redirectIfReauthenticationRequired } from '$lib/server/pages/reauth';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';
import { passkeyActions } from './passkey-actions';

/** What protects the account, at a glance: password, two-factor authentication, where it is signed in, its SSH keys, recent events. */
export const load: PageServerLoad = async ({ locals, url }) => {
	requireAuth(locals, url);
	const caller = callerFor(locals);
	const [twoFactor, sessions, keys, events, orgs, passkeys] = await Promise.all([
		caller.twoFactor.status(),
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
		twoFactor,
		email: locals.auth!.user.email,
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
	},
	regenerateRecoveryCodes: async ({ request, locals, url }) => {
		requireAuth(locals, url);
		const parsed = parseForm(regenerateRecoveryCodesInput, formValues(await request.formData()), 'twoFactor');
		if (!parsed.ok) return parsed.failure;
		try {
			const { recoveryCodes } = await callerFor(locals).twoFactor.regenerateRecoveryCodes(parsed.data);
			return { action: 'twoFactor' as const, recoveryCodes, notice: 'New recovery codes were made; the old ones no longer work.' };
		} catch (err) {
			redirectIfReauthenticationRequired(err, url.pathname);
			return failFrom(err, { action: 'twoFactor' });
		}
	},
	disableTwoFactor: async ({ request, locals, url }) => {
		requireAuth(locals, url);
		const parsed = parseForm(disableTwoFactorInput, formValues(await request.formData()), 'twoFactor');
		if (!parsed.ok) return parsed.failure;
		try {
			await callerFor(locals).twoFactor.disable(parsed.data);
			return { action: 'twoFactor' as const, notice: 'Two-factor authentication is off. Signing in asks only for your password.' };
		} catch (err) {
			return failFrom(err, { action: 'twoFactor' });
		}
	}
};
