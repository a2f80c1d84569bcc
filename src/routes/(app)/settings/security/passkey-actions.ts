/**
 * The Security page's passkey forms: rename and delete (registering needs the browser's WebAuthn
 * prompt, so PasskeysCard calls the REST endpoints for it). A session that must prove its user again
 * is sent to "Confirm it's you", which comes back here.
 */
import { redirect, type Actions } from '@sveltejs/kit';
import { isAppError } from '$lib/server/errors';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { deletePasskeyInput, renamePasskeyInput } from '$lib/server/passkeys/schemas';
import { callerFor } from '$lib/server/trpc/caller';

const CONFIRM_URL = '/settings/security/confirm?redirectTo=%2Fsettings%2Fsecurity';

function needsReauthentication(err: unknown): boolean {
	const cause = (err as { cause?: unknown })?.cause ?? err;
	return isAppError(cause) && cause.publicCode === 'reauthentication_required';
}

export const passkeyActions = {
	renamePasskey: async ({ request, locals, url }) => {
		requireAuth(locals, url);
		const parsed = parseForm(renamePasskeyInput, formValues(await request.formData()), 'renamePasskey');
		if (!parsed.ok) return parsed.failure;
		try {
			const passkey = await callerFor(locals).passkeys.rename(parsed.data);
			return { action: 'renamePasskey' as const, notice: `Passkey renamed to "${passkey.name}".` };
		} catch (err) {
			return failFrom(err, { action: 'renamePasskey' });
		}
	},
	deletePasskey: async ({ request, locals, url }) => {
		requireAuth(locals, url);
		const parsed = parseForm(deletePasskeyInput, formValues(await request.formData()), 'deletePasskey');
		if (!parsed.ok) return parsed.failure;
		const caller = callerFor(locals);
		const name = (await caller.passkeys.list()).find((p) => p.id === parsed.data.id)?.name;
		try {
			await caller.passkeys.delete(parsed.data);
		} catch (err) {
			if (needsReauthentication(err)) redirect(303, CONFIRM_URL);
			return failFrom(err, { action: 'deletePasskey' });
		}
		return { action: 'deletePasskey' as const, notice: `Passkey "${name ?? ''}" removed. It can no longer sign in to your account.`, offerSignOutOthers: true };
	}
} satisfies Actions;
