/** Role services: built-in roles read-only, custom roles from the permission list, in-use roles kept. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeMemberRole } from '../../../src/lib/server/orgs/members';
import { PERMISSIONS } from '../../../src/lib/server/orgs/permissions';
import { createRole, deleteRole, listRoles, updateRole } from '../../../src/lib/server/orgs/roles';
import { createRoleInput, updateRoleInput } from '../../../src/lib/server/orgs/schemas';
import { createTestApp, type TestApp } from '../../helpers/app';
import { acting, auditRows, insertUser, joinOrg, orgWithOwner } from '../../helpers/orgs';

let app: TestApp;
beforeAll(async () => {
	app = await createTestApp();
});
afterAll(() => app.close());

describe('listRoles', () => {
	it('lists the built-in roles first, then custom ones, with member counts, for this org only', async () => {
		const { owner, org } = await orgWithOwner(app);
		await createRole(app, acting(owner), org.id, { name: 'Auditor', permissions: ['view:audit_logs'] });
		const { owner: otherOwner, org: other } = await orgWithOwner(app, 'Other');
		await createRole(app, acting(otherOwner), other.id, { name: 'Elsewhere', permissions: ['view:members'] });
		const list = await listRoles(app, org.id);
		expect(list.map((r) => [r.name, r.isBuiltIn, r.memberCount])).toEqual([
			['Admin', true, 1],
			['Developer', true, 0],
			['Viewer', true, 0],
			['Auditor', false, 0]
		]);
		expect(list[0]!.permissions).toEqual([...PERMISSIONS]);
	});
});

describe('createRole', () => {
	it('creates a custom role from known permissions, sorted and de-duplicated, audited', async () => {
		const { owner, org } = await orgWithOwner(app);
		const input = createRoleInput.parse({ name: ' On-call ', permissions: ['view:instances', 'manage:instances', 'view:instances'] });
		const role = await createRole(app, acting(owner), org.id, input);
		expect(role).toMatchObject({ name: 'On-call', permissions: ['manage:instances', 'view:instances'], isBuiltIn: false });
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({
			action: 'role.created',
			targetType: 'role',
			targetId: role.id,
			metadata: { name: 'On-call', permissions: ['manage:instances', 'view:instances'] }
		});
	});

	it('refuses a role without any permission, on create and on update (400 naming the field)', () => {
		const message = 'Choose at least one permission: a role without permissions grants nothing';
		expect(createRoleInput.safeParse({ name: 'Empty', permissions: [] }).error?.issues[0]).toMatchObject({ path: ['permissions'], message });
		const roleId = '00000000-0000-4000-8000-000000000000';
		expect(updateRoleInput.safeParse({ roleId, permissions: [] }).error?.issues[0]).toMatchObject({ path: ['permissions'], message });
		// Renaming alone leaves the permissions as they are.
		expect(updateRoleInput.safeParse({ roleId, name: 'Renamed' }).success).toBe(true);
	});

	it('refuses an unknown permission (400 naming the field) and a taken name, built-in ones included (409)', async () => {
		expect(createRoleInput.safeParse({ name: 'X', permissions: ['view:instances', 'root:everything'] }).error?.issues[0]).toMatchObject({
			path: ['permissions', 1],
			message: `Unknown permission; expected one of ${PERMISSIONS.join(', ')}`
		});
		expect(createRoleInput.safeParse({ name: '', permissions: ['view:members'] }).error?.issues[0]).toMatchObject({
			path: ['name'],
			message: 'Role name is required'
		});
		const { owner, org } = await orgWithOwner(app);
		await createRole(app, acting(owner), org.id, { name: 'Ops', permissions: ['view:members'] });
		for (const name of ['Ops', 'Admin']) {
			await expect(createRole(app, acting(owner), org.id, { name, permissions: ['view:members'] })).rejects.toMatchObject({
				code: 'conflict',
				message: `A role named "${name}" already exists`
			});
		}
	});

	it('refuses a non-owner building a role beyond their own permissions', async () => {
		const { owner, org } = await orgWithOwner(app);
		await createRole(app, acting(owner), org.id, { name: 'RoleAdmin', permissions: ['manage:roles', 'view:members'] });
		const roleAdmin = await insertUser(app);
		await joinOrg(app, owner, org.id, roleAdmin, 'RoleAdmin');
		await expect(
			createRole(app, acting(roleAdmin), org.id, { name: 'Sneaky', permissions: ['manage:members', 'view:members'] })
		).rejects.toMatchObject({ code: 'forbidden', message: 'You cannot grant permissions you do not hold: manage:members' });
		expect(await createRole(app, acting(roleAdmin), org.id, { name: 'Reader', permissions: ['view:members'] })).toMatchObject({
			name: 'Reader'
		});
	});
});

describe('updateRole', () => {
	it('renames and re-permissions a custom role, audited with before and after', async () => {
		const { owner, org } = await orgWithOwner(app);
		const role = await createRole(app, acting(owner), org.id, { name: 'Ops', permissions: ['view:instances'] });
		const updated = await updateRole(app, acting(owner), org.id, {
			roleId: role.id,
			name: 'Operations',
			permissions: ['manage:instances', 'view:instances']
		});
		expect(updated).toMatchObject({ id: role.id, name: 'Operations', permissions: ['manage:instances', 'view:instances'] });
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({
			action: 'role.updated',
			targetId: role.id,
			metadata: {
				before: { name: 'Ops', permissions: ['view:instances'] },
				after: { name: 'Operations', permissions: ['manage:instances', 'view:instances'] }
			}
		});
		expect(await updateRole(app, acting(owner), org.id, { roleId: role.id, permissions: ['view:members'] })).toMatchObject({
			name: 'Operations',
			permissions: ['view:members']
		});
	});

	it('refuses built-in roles, another org’s role, a taken name and an empty change', async () => {
		const { owner, org } = await orgWithOwner(app);
		const { owner: otherOwner, org: other } = await orgWithOwner(app, 'Other');
		const foreign = await createRole(app, acting(otherOwner), other.id, { name: 'Foreign', permissions: ['view:members'] });
		const mine = await createRole(app, acting(owner), org.id, { name: 'Mine', permissions: ['view:members'] });
		await expect(updateRole(app, acting(owner), org.id, { roleId: org.roleId, permissions: ['view:members'] })).rejects.toMatchObject({
			code: 'forbidden',
			message: 'Built-in roles are read-only'
		});
		await expect(updateRole(app, acting(owner), org.id, { roleId: foreign.id, name: 'Taken over' })).rejects.toMatchObject({
			code: 'not_found',
			message: 'Role not found'
		});
		await expect(updateRole(app, acting(owner), org.id, { roleId: mine.id, name: 'Viewer' })).rejects.toMatchObject({
			code: 'conflict',
			message: 'A role named "Viewer" already exists'
		});
		expect(updateRoleInput.safeParse({ roleId: mine.id }).error?.issues[0]).toMatchObject({
			path: ['name'],
			message: 'Give a new name or a new permission list'
		});
	});
});

describe('deleteRole', () => {
	it('refuses a role in use (409), then deletes it once unassigned, audited', async () => {
		const { owner, org } = await orgWithOwner(app);
		const role = await createRole(app, acting(owner), org.id, { name: 'Temp', permissions: ['view:members'] });
		const user = await insertUser(app);
		await joinOrg(app, owner, org.id, user, 'Temp');
		await expect(deleteRole(app, acting(owner), org.id, { roleId: role.id })).rejects.toMatchObject({
			code: 'conflict',
			message: 'Role "Temp" is assigned to 1 member(s); reassign them first'
		});
		await changeMemberRole(app, acting(owner), org.id, { userId: user.id, role: 'Viewer' });
		expect(await deleteRole(app, acting(owner), org.id, { roleId: role.id })).toEqual({ id: role.id });
		expect((await auditRows(app, org.id)).at(-1)).toMatchObject({
			action: 'role.deleted',
			targetId: role.id,
			metadata: { name: 'Temp', permissions: ['view:members'] }
		});
		expect((await listRoles(app, org.id)).map((r) => r.name)).not.toContain('Temp');
		await expect(deleteRole(app, acting(owner), org.id, { roleId: role.id })).rejects.toMatchObject({ code: 'not_found' });
	});

	it('refuses deleting a built-in role and another org’s role', async () => {
		const { owner, org } = await orgWithOwner(app);
		const { owner: otherOwner, org: other } = await orgWithOwner(app, 'Other');
		const foreign = await createRole(app, acting(otherOwner), other.id, { name: 'Foreign', permissions: ['view:members'] });
		const viewer = (await listRoles(app, org.id)).find((r) => r.name === 'Viewer')!;
		await expect(deleteRole(app, acting(owner), org.id, { roleId: viewer.id })).rejects.toMatchObject({
			code: 'forbidden',
			message: 'Built-in roles are read-only'
		});
		await expect(deleteRole(app, acting(owner), org.id, { roleId: foreign.id })).rejects.toMatchObject({
			code: 'not_found',
			message: 'Role not found'
		});
		expect((await listRoles(app, other.id)).map((r) => r.name)).toContain('Foreign');
	});
});
