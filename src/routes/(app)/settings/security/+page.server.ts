import { changePasswordInput } from '$lib/server/auth/schemas';
import { disableTwoFactorInput, regenerateRecoveryCodesInput } from '$lib/server/mfa/schemas';
import { redirectIfReauthenticationRequired } from '$lib/server/pages/reauth';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

/** What protects the account, at a glance: password, two-factor authentication, where it is signed in, its SSH keys, recent events. */
export const load: PageServerLoad = async ({ locals, url }) => {
	requireAuth(locals, url);
	const caller = callerFor(locals);
	const [twoFactor, sessions, keys, events] = await Promise.all([
		caller.twoFactor.status(),
		caller.sessions.list(),
		caller.sshKeys.list(),
		caller.securityLog.list({ limit: 5 })
	]);
	return {
		twoFactor,
		email: locals.auth!.user.email,
		sessionCount: sessions.length,
		keyCount: keys.length,
		recentEvents: events.items.map(({ id, summary, createdAt, ipAddress }) => ({ id, summary, createdAt, ipAddress })),
		now: new Date()
	};
};

export const actions: Actions = {
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
