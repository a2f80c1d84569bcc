/**
 * Projects and environments through the tRPC router and the services, on a real database: creating,
 * listing, renaming and deleting both; names unique within their parent; deletes refused while
 * something uses the record; who sees and who changes what; nothing of one org reachable from
 * another; and the audit rows, read as the audit page reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeAuditRow } from '../../../src/lib/server/audit/describe';
import { instances, servers } from '../../../src/lib/server/db/schema';
import { createTestApp, type TestApp } from '../../helpers/app';
import { auditRows, callerAs, insertUser, joinOrg, orgWithOwner, uniqueSlug, type TestUser } from '../../helpers/orgs';

const errorOf = (p: Promise<unknown>) =>
	p.then(
		() => null,
		(e: { code: string; message: string; cause?: { publicCode?: string } }) => ({ code: e.code, message: e.message, publicCode: e.cause?.publicCode })
	);

let app: TestApp;
let owner: TestUser;
let developer: TestUser;
let viewer: TestUser;
let orgId: string;
let other: { owner: TestUser; orgId: string };

beforeAll(async () => {
	app = await createTestApp();
	const fixture = await orgWithOwner(app, 'Projects Co');
	owner = fixture.owner;
	orgId = fixture.org.id;
	developer = await insertUser(app, 'developer');
	viewer = await insertUser(app, 'viewer');
	await joinOrg(app, owner, orgId, developer, 'Developer');
	await joinOrg(app, owner, orgId, viewer, 'Viewer');
	const second = await orgWithOwner(app, 'Other Co');
	other = { owner: second.owner, orgId: second.org.id };
});
afterAll(() => app?.close());

/** An instance row in `environmentId` (no engine: the records, not Docker, are under test). */
async function instanceIn(environmentId: string): Promise<string> {
	const slug = uniqueSlug('inst');
	const [server] = await app.db.insert(servers).values({ orgId, name: slug, kind: 'tcp', endpoint: 'docker.example:2376' }).returning({ id: servers.id });
	await app.db.insert(instances).values({ orgId, environmentId, slug, name: slug, serverId: server!.id, container: slug, status: 'stopped' });
	return slug;
}

describe('projects and environments', () => {
	it('creates a project and its environments, listed by name with instance counts', async () => {
		const name = `Webshop ${uniqueSlug('p')}`;
		const project = await callerAs(app, developer).projects.create({ orgId, name: `  ${name}  ` });
		expect(project).toEqual({ id: expect.any(String), orgId, name, createdAt: expect.any(Date), updatedAt: expect.any(Date), environments: [] });
		const staging = await callerAs(app, developer).projects.environments.create({ projectId: project.id, name: 'staging' });
		const production = await callerAs(app, developer).projects.environments.create({ projectId: project.id, name: 'production' });
		expect(staging).toEqual({ id: expect.any(String), orgId, projectId: project.id, name: 'staging', instanceCount: 0, createdAt: expect.any(Date), updatedAt: expect.any(Date) });
		await instanceIn(production.id);
		const listed = (await callerAs(app, viewer).projects.list({ orgId })).find((p) => p.id === project.id)!;
		expect(listed.environments.map((e) => [e.name, e.instanceCount])).toEqual([
			['production', 1],
			['staging', 0]
		]);
		expect((await callerAs(app, viewer).projects.environments.list({ projectId: project.id })).map((e) => e.name)).toEqual(['production', 'staging']);
	});

	it('keeps names unique within the org (projects) and the project (environments), and refuses bad names', async () => {
		const name = `dup-${uniqueSlug('p')}`;
		const project = await callerAs(app, owner).projects.create({ orgId, name });
		expect(await errorOf(callerAs(app, owner).projects.create({ orgId, name }))).toEqual({
			code: 'CONFLICT',
			message: `A project named "${name}" already exists in this organization`,
			publicCode: undefined
		});
		// The same name in another org is another project.
		await callerAs(app, other.owner).projects.create({ orgId: other.orgId, name });
		await callerAs(app, owner).projects.environments.create({ projectId: project.id, name: 'qa' });
		expect(await errorOf(callerAs(app, owner).projects.environments.create({ projectId: project.id, name: 'qa' }))).toEqual({
			code: 'CONFLICT',
			message: `Project "${name}" already has an environment named "qa"`,
			publicCode: undefined
		});
		const second = await callerAs(app, owner).projects.create({ orgId, name: `${name}-2` });
		await callerAs(app, owner).projects.environments.create({ projectId: second.id, name: 'qa' });
		expect(await errorOf(callerAs(app, owner).projects.rename({ projectId: second.id, name }))).toMatchObject({ code: 'CONFLICT' });
		for (const bad of ['', '   ', 'two\nlines', 'x'.repeat(101)]) {
			expect(await errorOf(callerAs(app, owner).projects.create({ orgId, name: bad }))).toMatchObject({ code: 'BAD_REQUEST' });
		}
		expect(await errorOf(callerAs(app, owner).projects.environments.create({ projectId: project.id, name: 'x'.repeat(51) }))).toMatchObject({
			code: 'BAD_REQUEST',
			message: expect.stringContaining('Environment name must be at most 50 characters')
		});
	});

	it('renames both, audited with the old and new names', async () => {
		const project = await callerAs(app, developer).projects.create({ orgId, name: `old-${uniqueSlug('p')}` });
		const environment = await callerAs(app, developer).projects.environments.create({ projectId: project.id, name: 'stage' });
		const renamed = await callerAs(app, developer).projects.rename({ projectId: project.id, name: `new-${project.name}` });
		expect(renamed).toMatchObject({ id: project.id, name: `new-${project.name}`, environments: [{ id: environment.id, name: 'stage' }] });
		expect(await callerAs(app, developer).projects.environments.rename({ environmentId: environment.id, name: 'staging' })).toMatchObject({
			id: environment.id,
			name: 'staging'
		});
		const rows = (await auditRows(app, orgId)).slice(-4);
		expect(rows.map((r) => [r.action, r.targetId])).toEqual([
			['project.created', project.id],
			['environment.created', environment.id],
			['project.renamed', project.id],
			['environment.renamed', environment.id]
		]);
		const sentence = (row: (typeof rows)[number]) => describeAuditRow(row, { names: new Map([[developer.id, 'Dev']]) });
		expect(rows.map(sentence)).toEqual([
			`Dev created the project "${project.name}"`,
			`Dev created the environment "stage" in project "${project.name}"`,
			`Dev renamed the project "${project.name}" to "new-${project.name}"`,
			`Dev renamed the environment "stage" to "staging" in project "new-${project.name}"`
		]);
		// Renaming to the same name changes nothing and writes nothing.
		const before = (await auditRows(app, orgId)).length;
		await callerAs(app, developer).projects.rename({ projectId: project.id, name: `new-${project.name}` });
		expect((await auditRows(app, orgId)).length).toBe(before);
	});

	it('refuses to delete what is in use (409 in_use), then deletes, audited', async () => {
		const project = await callerAs(app, owner).projects.create({ orgId, name: `doomed-${uniqueSlug('p')}` });
		const environment = await callerAs(app, owner).projects.environments.create({ projectId: project.id, name: 'production' });
		const slug = await instanceIn(environment.id);
		expect(await errorOf(callerAs(app, developer).projects.delete({ projectId: project.id }))).toEqual({
			code: 'CONFLICT',
			message: `Project "${project.name}" still has 1 environment(s); delete them first`,
			publicCode: 'in_use'
		});
		expect(await errorOf(callerAs(app, developer).projects.environments.delete({ environmentId: environment.id }))).toEqual({
			code: 'CONFLICT',
			message: `Environment "production" of project "${project.name}" still has 1 instance(s); delete them first`,
			publicCode: 'in_use'
		});
		await callerAs(app, owner).instances.delete({ slug });
		expect(await callerAs(app, developer).projects.environments.delete({ environmentId: environment.id })).toEqual({ id: environment.id });
		expect(await callerAs(app, developer).projects.delete({ projectId: project.id })).toEqual({ id: project.id });
		expect((await callerAs(app, viewer).projects.list({ orgId })).some((p) => p.id === project.id)).toBe(false);
		const rows = (await auditRows(app, orgId)).slice(-2);
		expect(rows).toMatchObject([
			{ action: 'environment.deleted', targetId: environment.id, actorUserId: developer.id, metadata: { name: 'production', project: project.name } },
			{ action: 'project.deleted', targetId: project.id, actorUserId: developer.id, metadata: { name: project.name } }
		]);
		expect(describeAuditRow(rows[0]!, { names: new Map() })).toContain(`deleted the environment "production" from project "${project.name}"`);
	});

	it('lets viewers see but not change (403 naming manage:instances)', async () => {
		const project = await callerAs(app, owner).projects.create({ orgId, name: `seen-${uniqueSlug('p')}` });
		const environment = await callerAs(app, owner).projects.environments.create({ projectId: project.id, name: 'production' });
		const denied = { code: 'FORBIDDEN', message: 'Permission denied: manage:instances', publicCode: undefined };
		const asViewer = callerAs(app, viewer);
		expect(await errorOf(asViewer.projects.create({ orgId, name: 'nope' }))).toEqual(denied);
		expect(await errorOf(asViewer.projects.rename({ projectId: project.id, name: 'nope' }))).toEqual(denied);
		expect(await errorOf(asViewer.projects.delete({ projectId: project.id }))).toEqual(denied);
		expect(await errorOf(asViewer.projects.environments.create({ projectId: project.id, name: 'nope' }))).toEqual(denied);
		expect(await errorOf(asViewer.projects.environments.rename({ environmentId: environment.id, name: 'nope' }))).toEqual(denied);
		expect(await errorOf(asViewer.projects.environments.delete({ environmentId: environment.id }))).toEqual(denied);
		expect((await asViewer.projects.list({ orgId })).some((p) => p.id === project.id)).toBe(true);
	});
});

describe('isolation between orgs', () => {
	it('answers another org’s project or environment exactly as one that does not exist (404), and changes nothing', async () => {
		const project = await callerAs(app, owner).projects.create({ orgId, name: `private-${uniqueSlug('p')}` });
		const environment = await callerAs(app, owner).projects.environments.create({ projectId: project.id, name: 'production' });
		// The other org's owner holds every permission, in their own org only.
		const stranger = callerAs(app, other.owner);
		const projectNotFound = { code: 'NOT_FOUND', message: 'Project not found', publicCode: undefined };
		const environmentNotFound = { code: 'NOT_FOUND', message: 'Environment not found', publicCode: undefined };
		for (const projectId of [project.id, crypto.randomUUID()]) {
			expect(await errorOf(stranger.projects.environments.list({ projectId }))).toEqual(projectNotFound);
			expect(await errorOf(stranger.projects.environments.create({ projectId, name: 'mine' }))).toEqual(projectNotFound);
			expect(await errorOf(stranger.projects.rename({ projectId, name: 'mine' }))).toEqual(projectNotFound);
			expect(await errorOf(stranger.projects.delete({ projectId }))).toEqual(projectNotFound);
		}
		for (const environmentId of [environment.id, crypto.randomUUID()]) {
			expect(await errorOf(stranger.projects.environments.rename({ environmentId, name: 'mine' }))).toEqual(environmentNotFound);
			expect(await errorOf(stranger.projects.environments.delete({ environmentId }))).toEqual(environmentNotFound);
		}
		expect(await errorOf(stranger.projects.list({ orgId }))).toEqual({ code: 'NOT_FOUND', message: 'Organization not found', publicCode: undefined });
		expect((await stranger.projects.list({ orgId: other.orgId })).some((p) => p.id === project.id)).toBe(false);
		expect((await callerAs(app, owner).projects.list({ orgId })).find((p) => p.id === project.id)).toMatchObject({
			name: project.name,
			environments: [{ id: environment.id, name: 'production' }]
		});
	});
});
