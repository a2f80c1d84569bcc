import { createRoleInput, roleInput, updateRoleInput } from '$lib/server/orgs/schemas';
import { PERMISSIONS } from '$lib/server/orgs/permissions';
import { failFrom, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { orgFromParam } from '$lib/server/pages/org-param';
import { throwPageError } from '$lib/server/pages/load-error';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	requireAuth(locals, url);
	const orgId = (await orgFromParam(locals, params.org)).id;
	try {
		return { roles: await callerFor(locals).orgs.roles.list({ orgId }), allPermissions: [...PERMISSIONS] };
	} catch (err) {
		throwPageError(err);
	}
};

/** Checkboxes send one `permissions` entry per ticked box, and none at all when none is ticked. */
function roleFields(form: FormData) {
	return { roleId: form.get('roleId') ?? undefined, name: form.get('name') ?? undefined, permissions: form.getAll('permissions') };
}

export const actions: Actions = {
	create: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const { name, permissions } = roleFields(await request.formData());
		const parsed = parseForm(createRoleInput, { name, permissions }, 'create');
		if (!parsed.ok) return parsed.failure;
		try {
			const role = await callerFor(locals).orgs.roles.create({ orgId, ...parsed.data });
			return { action: 'create', notice: `Role "${role.name}" was created.` };
		} catch (err) {
			return failFrom(err, { action: 'create', field: 'name', values: { name } });
		}
	},
	update: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const parsed = parseForm(updateRoleInput, roleFields(await request.formData()), 'update');
		if (!parsed.ok) return parsed.failure;
		try {
			const role = await callerFor(locals).orgs.roles.update({ orgId, ...parsed.data });
			return { action: 'update', notice: `Role "${role.name}" was saved.` };
		} catch (err) {
			return failFrom(err, { action: 'update' });
		}
	},
	delete: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const parsed = parseForm(roleInput, { roleId: (await request.formData()).get('roleId') }, 'delete');
		if (!parsed.ok) return parsed.failure;
		try {
			await callerFor(locals).orgs.roles.delete({ orgId, ...parsed.data });
			return { action: 'delete', notice: 'The role was deleted.' };
		} catch (err) {
			return failFrom(err, { action: 'delete' });
		}
	}
};
