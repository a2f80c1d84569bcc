import { redirect } from '@sveltejs/kit';
import { createOrgInput } from '$lib/server/orgs/schemas';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	requireAuth(locals, url);
	const orgs = await callerFor(locals).orgs.list();
	return { orgs: orgs.map(({ id, name, slug, role, isOwner }) => ({ id, name, slug, role, isOwner })) };
};

export const actions: Actions = {
	createOrg: async ({ request, locals, url }) => {
		requireAuth(locals, url);
		const values = formValues(await request.formData());
		const parsed = parseForm(createOrgInput, values);
		if (!parsed.ok) return parsed.failure;
		let org;
		try {
			org = await callerFor(locals).orgs.create(parsed.data);
		} catch (err) {
			// The only expected refusal is a taken slug.
			return failFrom(err, { field: 'slug', values });
		}
		redirect(303, `/orgs/${org.id}`);
	}
};
