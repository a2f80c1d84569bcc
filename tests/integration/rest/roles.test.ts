/**
 * REST for roles (GET/POST /api/orgs/{orgId}/roles, PATCH/DELETE /api/orgs/{orgId}/roles/{roleId})
 * over real HTTP against the built server: each success with the refusals beside it, above all a role
 * without any permission (400 naming `permissions`), on create and on update.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../../helpers/app';
import { api, inviteAndAccept, signUpAndLogin } from '../../helpers/http';
import { uniqueSlug } from '../../helpers/orgs';

type Account = Awaited<ReturnType<typeof signUpAndLogin>>;
let owner: Account;
let viewer: Account;
let outsider: Account;
let orgId: string;

beforeAll(async () => {
	[owner, viewer, outsider] = await Promise.all([
		signUpAndLogin(uniqueEmail('owner')),
		signUpAndLogin(uniqueEmail('viewer')),
		signUpAndLogin(uniqueEmail('outsider'))
	]);
	orgId = (await api('POST', '/api/orgs', { token: owner.accessToken, body: { name: 'Roles Co', slug: uniqueSlug('roles') } })).body.id;
	const added = await inviteAndAccept(orgId, owner.accessToken, { token: viewer.accessToken, email: viewer.user.email }, 'Viewer');
	if (added.status !== 200) throw new Error(`setup failed: ${added.status} ${JSON.stringify(added.body)}`);
});

const emptyRole = {
	status: 400,
	body: { error: 'invalid_request', message: 'permissions: Choose at least one permission: a role without permissions grants nothing' }
};

describe('/api/orgs/{orgId}/roles', () => {
	it('creates a custom role (201), lists it after the built-in ones, renames and re-permissions it, deletes it (204)', async () => {
		const token = owner.accessToken;
		const created = await api('POST', `/api/orgs/${orgId}/roles`, { token, body: { name: 'Auditor', permissions: ['view:members', 'view:audit_logs'] } });
		expect(created).toMatchObject({ status: 201, body: { name: 'Auditor', permissions: ['view:audit_logs', 'view:members'], isBuiltIn: false } });
		const listed = await api('GET', `/api/orgs/${orgId}/roles`, { token: viewer.accessToken });
		expect(listed.status).toBe(200);
		expect(listed.body.roles.map((r: { name: string; memberCount: number }) => [r.name, r.memberCount])).toEqual([
			['Admin', 1],
			['Developer', 0],
			['Viewer', 1],
			['Auditor', 0]
		]);
		const roleId = created.body.id;
		const updated = await api('PATCH', `/api/orgs/${orgId}/roles/${roleId}`, { token, body: { name: 'Reader', permissions: ['view:members'] } });
		expect(updated).toMatchObject({ status: 200, body: { id: roleId, name: 'Reader', permissions: ['view:members'] } });
		expect(await api('DELETE', `/api/orgs/${orgId}/roles/${roleId}`, { token })).toMatchObject({ status: 204 });
		expect((await api('GET', `/api/orgs/${orgId}/roles`, { token })).body.roles.map((r: { name: string }) => r.name)).not.toContain('Reader');
	});

	it('refuses a role without any permission, on create and on update (400), and changes nothing', async () => {
		const token = owner.accessToken;
		expect(await api('POST', `/api/orgs/${orgId}/roles`, { token, body: { name: 'Empty', permissions: [] } })).toMatchObject(emptyRole);
		const role = await api('POST', `/api/orgs/${orgId}/roles`, { token, body: { name: 'Ops', permissions: ['view:instances'] } });
		expect(await api('PATCH', `/api/orgs/${orgId}/roles/${role.body.id}`, { token, body: { permissions: [] } })).toMatchObject(emptyRole);
		const roles = (await api('GET', `/api/orgs/${orgId}/roles`, { token })).body.roles as { name: string; permissions: string[] }[];
		expect(roles.find((r) => r.name === 'Ops')?.permissions).toEqual(['view:instances']);
		expect(roles.map((r) => r.name)).not.toContain('Empty');
		// A rename alone keeps the permissions.
		expect(await api('PATCH', `/api/orgs/${orgId}/roles/${role.body.id}`, { token, body: { name: 'Operations' } })).toMatchObject({
			status: 200,
			body: { name: 'Operations', permissions: ['view:instances'] }
		});
	});

	it('refuses anonymous callers (401), outsiders (404), a viewer (403), unknown permissions (400), built-in roles and roles in use', async () => {
		const body = { name: 'X', permissions: ['view:members'] };
		expect(await api('POST', `/api/orgs/${orgId}/roles`, { body })).toMatchObject({ status: 401 });
		expect(await api('GET', `/api/orgs/${orgId}/roles`, { token: outsider.accessToken })).toMatchObject({
			status: 404,
			body: { error: 'not_found', message: 'Organization not found' }
		});
		expect(await api('POST', `/api/orgs/${orgId}/roles`, { token: viewer.accessToken, body })).toMatchObject({
			status: 403,
			body: { error: 'forbidden', message: 'Permission denied: manage:roles' }
		});
		const token = owner.accessToken;
		const unknown = await api('POST', `/api/orgs/${orgId}/roles`, { token, body: { name: 'Root', permissions: ['root:all'] } });
		expect(unknown).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
		expect(unknown.body.message).toMatch(/^permissions\.0: Unknown permission/);
		const roles = (await api('GET', `/api/orgs/${orgId}/roles`, { token })).body.roles as { id: string; name: string }[];
		const viewerRole = roles.find((r) => r.name === 'Viewer')!;
		expect(await api('PATCH', `/api/orgs/${orgId}/roles/${viewerRole.id}`, { token, body: { name: 'Looker' } })).toMatchObject({
			status: 403,
			body: { error: 'forbidden', message: 'Built-in roles are read-only' }
		});
		const inUse = await api('POST', `/api/orgs/${orgId}/roles`, { token, body: { name: 'Held', permissions: ['view:members'] } });
		await api('PATCH', `/api/orgs/${orgId}/members/${viewer.user.id}`, { token, body: { role: 'Held' } });
		expect(await api('DELETE', `/api/orgs/${orgId}/roles/${inUse.body.id}`, { token })).toMatchObject({ status: 409, body: { error: 'conflict' } });
	});
});
