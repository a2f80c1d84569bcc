import { looksLikePrivateKey } from '$lib/server/ssh-keys/parse';
import { addSshKeyInput, deleteSshKeyInput, importGithubInput } from '$lib/server/ssh-keys/schemas';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	requireAuth(locals, url);
	return { keys: await callerFor(locals).sshKeys.list(), minRsaBits: locals.app.config.sshKeyMinRsaBits, now: new Date() };
};

export const actions: Actions = {
	add: async ({ request, locals, url }) => {
		requireAuth(locals, url);
		const values = formValues(await request.formData());
		// A private key pasted by mistake is never sent back (form.ts), and the page empties the field too,
		// so it does not stay on screen after the refusal.
		const clear = looksLikePrivateKey(values.publicKey ?? '') ? ['publicKey'] : undefined;
		const parsed = parseForm(addSshKeyInput, values, 'add');
		if (!parsed.ok) {
			parsed.failure.data.clear = clear;
			return parsed.failure;
		}
		try {
			const key = await callerFor(locals).sshKeys.add(parsed.data);
			return { action: 'add' as const, notice: `Added the key "${key.name}".` };
		} catch (err) {
			// "name: ..." goes beside the name; everything else (format, 409 duplicate) is about the key.
			return failFrom(err, { action: 'add', field: 'publicKey', values, clear });
		}
	},
	delete: async ({ request, locals, url }) => {
		requireAuth(locals, url);
		const parsed = parseForm(deleteSshKeyInput, formValues(await request.formData()), 'delete');
		if (!parsed.ok) return parsed.failure;
		try {
			await callerFor(locals).sshKeys.delete(parsed.data);
			return { action: 'delete' as const, notice: 'The key was deleted.' };
		} catch (err) {
			return failFrom(err, { action: 'delete' });
		}
	},
	importGithub: async ({ request, locals, url }) => {
		requireAuth(locals, url);
		const values = formValues(await request.formData());
		const parsed = parseForm(importGithubInput, values, 'importGithub');
		if (!parsed.ok) return parsed.failure;
		try {
			const { added, skipped } = await callerFor(locals).sshKeys.importGithub(parsed.data);
			return {
				action: 'importGithub' as const,
				githubUsername: parsed.data.githubUsername,
				added: added.map(({ id, name, type, bits, fingerprint }) => ({ id, name, type, bits, fingerprint })),
				skipped
			};
		} catch (err) {
			return failFrom(err, { action: 'importGithub', field: 'githubUsername', values });
		}
	}
};
