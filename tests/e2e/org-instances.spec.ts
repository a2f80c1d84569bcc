/**
 * The Instances and Servers pages: empty states that say what to do next (and the forms to do it), the lists with status and
 * the SSH command, and the server's refusal (403) for members without view:instances. The listed
 * instance needs a real container, so that test needs Docker (skipped without it, failing under CI).
 */
import { expect, test } from '@playwright/test';
import { docker, ensureTestImage, removeTestContainers, requireDocker, startTestContainer } from '../helpers/docker';
import { newAccount, newDevice, signUp, signUpOrSignInAdmin } from './helpers';
import { api, createOrgFromDashboard, joinThroughInvitation } from './org-helpers';

test('empty Instances and Servers pages say what to do next; a member without view:instances gets 403 from both', async ({ browser, request }) => {
	const page = await newDevice(browser);
	await signUp(page, newAccount('infra'));
	const org = await createOrgFromDashboard(page, 'Infra Co');
	const sidebar = page.getByRole('navigation', { name: 'Organization' });

	await sidebar.getByRole('link', { name: 'Instances' }).click();
	await expect(page.getByText('No instances yet')).toBeVisible();
	await expect(page.getByText('there is no server yet')).toBeVisible();
	await page.getByRole('link', { name: 'Go to Servers' }).click();
	await expect(page).toHaveURL(new RegExp(`/orgs/${org.slug}/servers$`));
	await expect(page.getByText('No servers yet')).toBeVisible();
	// The form to add one; the local socket is offered to platform admins only.
	await expect(page.getByRole('heading', { name: 'Add server' })).toBeVisible();
	const kinds = page.getByLabel('Kind').locator('option');
	await expect(kinds.filter({ hasText: 'Docker over TLS' })).toHaveCount(1);
	await expect(kinds.filter({ hasText: 'Docker over SSH' })).toHaveCount(1);
	// (The first account of a fresh database is a platform admin, so this depends on who signed up first.)
	const me = await api(page, 'GET', '/api/user/me');
	await expect(kinds.filter({ hasText: 'socket' })).toHaveCount(me.body.isPlatformAdmin ? 1 : 0);

	// A role that sees members but not instances: no links, and the pages themselves refuse.
	const created = await api(page, 'POST', `/api/orgs/${org.id}/roles`, { name: 'Key reader', permissions: ['view:members', 'view:ssh_keys'] });
	expect(created.status).toBe(201);
	const member = newAccount('keyreader');
	const memberPage = await newDevice(browser);
	await signUp(memberPage, member);
	const login = await request.post('/api/auth/login', { data: { email: member.email, password: member.password } });
	await joinThroughInvitation(page, org.id, { email: member.email, token: (await login.json()).accessToken }, 'Key reader');
	await memberPage.goto(`/orgs/${org.slug}`);
	const memberSidebar = memberPage.getByRole('navigation', { name: 'Organization' });
	await expect(memberSidebar.getByRole('link', { name: 'Members' })).toBeVisible();
	await expect(memberSidebar.getByRole('link', { name: 'Instances' })).toHaveCount(0);
	await expect(memberSidebar.getByRole('link', { name: 'Servers' })).toHaveCount(0);
	for (const path of ['instances', 'servers']) {
		const response = await memberPage.goto(`/orgs/${org.slug}/${path}`);
		expect(response?.status(), path).toBe(403);
		await expect(memberPage.getByText('Permission denied: view:instances')).toBeVisible();
	}
});

test.describe('with Docker', () => {
	test.beforeAll(async () => {
		test.setTimeout(15 * 60_000);
		test.skip(!(await requireDocker('e2e instance list')), 'no Docker engine');
		await ensureTestImage();
	});
	test.afterAll(() => removeTestContainers());

	test('a registered server and an instance are listed, with status and the ssh command', async ({ browser, request }) => {
		const page = await newDevice(browser);
		await signUpOrSignInAdmin(page);
		const org = await createOrgFromDashboard(page, 'Docker Co');
		const server = await api(page, 'POST', '/api/servers', { orgId: org.id, name: 'local', kind: 'socket', endpoint: '/var/run/docker.sock' });
		expect(server.status, JSON.stringify(server.body)).toBe(201);
		const container = await startTestContainer('e2e-instance', { org: org.id });
		const slug = `${org.slug}-shop`.slice(0, 63);
		const instance = await api(page, 'POST', '/api/instances', {
			orgId: org.id,
			serverId: server.body.id,
			slug,
			name: 'Docker shop',
			container: container.name,
			environment: 'staging'
		});
		expect(instance.status, JSON.stringify(instance.body)).toBe(201);
		const ssh = await (await request.get('/api/ssh/client-config')).json();

		await page.goto(`/orgs/${org.slug}/servers`);
		const serverRow = page.getByTestId('server-row');
		await expect(serverRow).toHaveCount(1);
		await expect(serverRow).toContainText('local');
		await expect(serverRow.getByTestId('server-kind')).toHaveText('Local Docker engine');
		await expect(serverRow).toContainText('/var/run/docker.sock');
		await expect(page.getByLabel('Kind').locator('option', { hasText: 'socket' })).toHaveCount(1);

		await page.goto(`/orgs/${org.slug}/instances`);
		const row = page.getByTestId('instance-row');
		await expect(row).toHaveCount(1);
		await expect(row).toContainText('Docker shop');
		await expect(row).toContainText('staging');
		await expect(row).toContainText(`container ${container.name} on local`);
		await expect(row.getByTestId('instance-status')).toHaveText('Running');
		await expect(row.getByText(`ssh -p ${ssh.port} ${slug}@${ssh.host}`, { exact: true })).toBeVisible();
		await expect(page.getByRole('heading', { name: 'New instance' })).toBeVisible();
		await expect(page.getByLabel('Server')).toHaveValue(server.body.id);

		// The status is the container's: stopped behind oCore's back, the list says so.
		await docker.getContainer(container.id).stop({ t: 0 });
		await page.reload();
		await expect(row.getByTestId('instance-status')).toHaveText('Stopped');
		await expect(row).toContainText('Connects once the instance is running.');
	});
});
