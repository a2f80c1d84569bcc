/**
 * The documented REST contract for projects and environments over real HTTP against the built
 * server: POST/GET /api/orgs/{orgId}/projects, POST/GET /api/projects/{projectId}/environments,
 * PATCH/DELETE /api/projects/{id} and /api/environments/{id}. Each success with the refusals beside
 * it: 401, 403 naming the permission, 400 naming the field, 409 for a taken name and `in_use`, and
 * 404 for another org's project or environment, exactly as for one that does not exist.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../../helpers/app';
import { api, inviteAndAccept, signUpAndLogin } from '../../helpers/http';
import { uniqueSlug } from '../../helpers/orgs';

type Account = { accessToken: string; user: { id: string; email: string } };

let owner: Account;
let viewer: Account;
let stranger: Account;
let orgId: string;
let strangerOrgId: string;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const unauthorized = { status: 401, body: { error: 'unauthorized', message: 'Sign in to continue' } };

beforeAll(async () => {
	[owner, viewer, stranger] = await Promise.all([signUpAndLogin(uniqueEmail('owner')), signUpAndLogin(uniqueEmail('viewer')), signUpAndLogin(uniqueEmail('stranger'))]);
	const org = await api('POST', '/api/orgs', { token: owner.accessToken, body: { name: 'Rest Projects', slug: uniqueSlug('rest-proj') } });
	orgId = org.body.id;
	const theirs = await api('POST', '/api/orgs', { token: stranger.accessToken, body: { name: 'Elsewhere', slug: uniqueSlug('rest-else') } });
	strangerOrgId = theirs.body.id;
	const added = await inviteAndAccept(orgId, owner.accessToken, { token: viewer.accessToken, email: viewer.user.email }, 'Viewer');
	if (added.status !== 200) throw new Error(`setup: ${added.status} ${JSON.stringify(added.body)}`);
});

describe('POST/GET /api/orgs/{orgId}/projects', () => {
	it('creates a project (201) and lists the org’s projects with their environments', async () => {
		const created = await api('POST', `/api/orgs/${orgId}/projects`, { token: owner.accessToken, body: { name: 'Webshop' } });
		expect(created).toMatchObject({
			status: 201,
			body: { id: expect.stringMatching(UUID), orgId, name: 'Webshop', environments: [], createdAt: expect.any(String), updatedAt: expect.any(String) }
		});
		const env = await api('POST', `/api/projects/${created.body.id}/environments`, { token: owner.accessToken, body: { name: 'production' } });
		const listed = await api('GET', `/api/orgs/${orgId}/projects`, { token: viewer.accessToken });
		expect(listed.status).toBe(200);
		expect(listed.body.projects).toEqual([
			{ ...created.body, environments: [{ ...env.body }] }
		]);
	});

	it('refuses a taken name (409), a bad one (400), a viewer (403), an outsider (404) and no session (401)', async () => {
		await api('POST', `/api/orgs/${orgId}/projects`, { token: owner.accessToken, body: { name: 'Taken' } });
		expect(await api('POST', `/api/orgs/${orgId}/projects`, { token: owner.accessToken, body: { name: 'Taken' } })).toMatchObject({
			status: 409,
			body: { error: 'conflict', message: 'A project named "Taken" already exists in this organization' }
		});
		expect(await api('POST', `/api/orgs/${orgId}/projects`, { token: owner.accessToken, body: { name: '  ' } })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'name: Project name must not be empty' }
		});
		expect(await api('POST', `/api/orgs/${orgId}/projects`, { token: viewer.accessToken, body: { name: 'Nope' } })).toMatchObject({
			status: 403,
			body: { error: 'forbidden', message: 'Permission denied: manage:instances' }
		});
		for (const method of ['GET', 'POST'] as const) {
			const body = method === 'POST' ? { name: 'Mine' } : undefined;
			expect(await api(method, `/api/orgs/${orgId}/projects`, { token: stranger.accessToken, body })).toMatchObject({
				status: 404,
				body: { error: 'not_found', message: 'Organization not found' }
			});
			expect(await api(method, `/api/orgs/${orgId}/projects`, { body })).toMatchObject(unauthorized);
		}
	});
});

describe('environments, renames and deletes', () => {
	it('creates and lists environments, renames both (200), deletes both (204), refusing while in use (409 in_use)', async () => {
		const project = (await api('POST', `/api/orgs/${orgId}/projects`, { token: owner.accessToken, body: { name: 'CRM' } })).body;
		const staging = await api('POST', `/api/projects/${project.id}/environments`, { token: owner.accessToken, body: { name: 'stage' } });
		expect(staging).toMatchObject({ status: 201, body: { id: expect.stringMatching(UUID), orgId, projectId: project.id, name: 'stage', instanceCount: 0 } });
		expect(await api('POST', `/api/projects/${project.id}/environments`, { token: owner.accessToken, body: { name: 'stage' } })).toMatchObject({
			status: 409,
			body: { error: 'conflict', message: 'Project "CRM" already has an environment named "stage"' }
		});
		expect(await api('PATCH', `/api/environments/${staging.body.id}`, { token: owner.accessToken, body: { name: 'staging' } })).toMatchObject({
			status: 200,
			body: { id: staging.body.id, name: 'staging' }
		});
		expect(await api('PATCH', `/api/projects/${project.id}`, { token: owner.accessToken, body: { name: 'Customer CRM' } })).toMatchObject({
			status: 200,
			body: { id: project.id, name: 'Customer CRM', environments: [{ id: staging.body.id, name: 'staging' }] }
		});
		expect(await api('GET', `/api/projects/${project.id}/environments`, { token: viewer.accessToken })).toMatchObject({
			status: 200,
			body: { environments: [{ id: staging.body.id, name: 'staging', instanceCount: 0 }] }
		});
		expect(await api('DELETE', `/api/projects/${project.id}`, { token: owner.accessToken })).toMatchObject({
			status: 409,
			body: { error: 'in_use', message: 'Project "Customer CRM" still has 1 environment(s); delete them first' }
		});
		expect(await api('DELETE', `/api/environments/${staging.body.id}`, { token: viewer.accessToken })).toMatchObject({
			status: 403,
			body: { error: 'forbidden', message: 'Permission denied: manage:instances' }
		});
		expect((await api('DELETE', `/api/environments/${staging.body.id}`, { token: owner.accessToken })).status).toBe(204);
		expect((await api('DELETE', `/api/projects/${project.id}`, { token: owner.accessToken })).status).toBe(204);
		expect(await api('DELETE', `/api/projects/${project.id}`, { token: owner.accessToken })).toMatchObject({
			status: 404,
			body: { error: 'not_found', message: 'Project not found' }
		});
	});

	it('answers another org’s project and environment with 404, as for ids that do not exist, and changes nothing', async () => {
		const project = (await api('POST', `/api/orgs/${orgId}/projects`, { token: owner.accessToken, body: { name: 'Private' } })).body;
		const env = (await api('POST', `/api/projects/${project.id}/environments`, { token: owner.accessToken, body: { name: 'production' } })).body;
		const projectNotFound = { status: 404, body: { error: 'not_found', message: 'Project not found' } };
		const environmentNotFound = { status: 404, body: { error: 'not_found', message: 'Environment not found' } };
		for (const projectId of [project.id, crypto.randomUUID()]) {
			expect(await api('GET', `/api/projects/${projectId}/environments`, { token: stranger.accessToken })).toMatchObject(projectNotFound);
			expect(await api('POST', `/api/projects/${projectId}/environments`, { token: stranger.accessToken, body: { name: 'x' } })).toMatchObject(projectNotFound);
			expect(await api('PATCH', `/api/projects/${projectId}`, { token: stranger.accessToken, body: { name: 'x' } })).toMatchObject(projectNotFound);
			expect(await api('DELETE', `/api/projects/${projectId}`, { token: stranger.accessToken })).toMatchObject(projectNotFound);
		}
		for (const environmentId of [env.id, crypto.randomUUID()]) {
			expect(await api('PATCH', `/api/environments/${environmentId}`, { token: stranger.accessToken, body: { name: 'x' } })).toMatchObject(environmentNotFound);
			expect(await api('DELETE', `/api/environments/${environmentId}`, { token: stranger.accessToken })).toMatchObject(environmentNotFound);
		}
		// The stranger's own org holds none of it.
		expect((await api('GET', `/api/orgs/${strangerOrgId}/projects`, { token: stranger.accessToken })).body).toEqual({ projects: [] });
		const still = await api('GET', `/api/projects/${project.id}/environments`, { token: owner.accessToken });
		expect(still.body.environments).toEqual([expect.objectContaining({ id: env.id, name: 'production' })]);
		expect(await api('PATCH', `/api/projects/not-a-uuid`, { token: owner.accessToken, body: { name: 'x' } })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'projectId: projectId must be a UUID' }
		});
	});
});
