import { TRPCError } from '@trpc/server';
import { createRoleInput, roleInput, updateRoleInput } from '$lib/server/orgs/schemas';
import { isAppError } from '$lib/server/errors';
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
		return { roles: await callerFor(locals).orgs.roles.list({ orgId }) };
	} catch (err) {
		throwPageError(err);
	}
};

/** A taken name belongs beside the name field; other refusals (a permission one may not grant) to the form. */
function fieldOf(err: unknown): 'name' | undefined {
	const cause = err instanceof TRPCError ? err.cause : err;
	return isAppError(cause) && cause.code === 'conflict' ? 'name' : undefined;
}

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
			return failFrom(err, { action: 'create', field: fieldOf(err), values: { name } });
		}
	},
	update: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const fields = roleFields(await request.formData());
		const parsed = parseForm(updateRoleInput, fields, 'update');
		if (!parsed.ok) return parsed.failure;
		try {
			const role = await callerFor(locals).orgs.roles.update({ orgId, ...parsed.data });
			return { action: 'update', notice: `Role "${role.name}" was saved.` };
		} catch (err) {
			// The role's id comes back so the page reopens that role's form with the message.
			return failFrom(err, { action: 'update', field: fieldOf(err), values: { roleId: fields.roleId, name: fields.name } });
		}
	},
	delete: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const form = await request.formData();
		const parsed = parseForm(roleInput, { roleId: form.get('roleId') }, 'delete');
		if (!parsed.ok) return parsed.failure;
		try {
			await callerFor(locals).orgs.roles.delete({ orgId, ...parsed.data });
			const name = form.get('name');
			return { action: 'delete', notice: typeof name === 'string' && name ? `Role "${name}" was deleted.` : 'The role was deleted.' };
		} catch (err) {
			return failFrom(err, { action: 'delete' });
		}
	}
};
