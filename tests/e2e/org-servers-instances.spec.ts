/**
 * Servers and instances managed from the dashboard against the real local Docker engine: a server
 * added from the form and seen reachable, an instance created, stopped (confirmed), started and
 * forgotten; a Viewer sees no forms and a forged form post is refused; another org's instance is
 * 404 under this org's URL; the forms work without JavaScript; an instance page lists a real SSH
 * session made with the stock client.
 */
import { expect, test, type Page } from '@playwright/test';
import { docker, ensureTestImage, removeTestContainers, requireDocker, startTestContainer } from '../helpers/docker';
import { generateKey } from '../helpers/ssh-keys';
import { runSsh } from './audit-fixture';
import { ADMIN, confirmAction, newDevice, signIn, signUpOrSignInAdmin } from './helpers';
import { api, createOrgFromDashboard, joinThroughInvitation, restAccount } from './org-helpers';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
	test.setTimeout(15 * 60_000);
	test.skip(!(await requireDocker('e2e servers and instances pages')), 'no Docker engine');
	await ensureTestImage();
});
test.afterAll(() => removeTestContainers());

/** A socket server and an instance on a fresh container of `org`, over the REST API. */
async function instanceOverApi(page: Page, org: { id: string; slug: string }, suffix: string) {
	const server = await api(page, 'POST', '/api/servers', { orgId: org.id, name: 'local', kind: 'socket', endpoint: '/var/run/docker.sock' });
	expect(server.status, JSON.stringify(server.body)).toBe(201);
	const container = await startTestContainer(`e2e-${suffix}`, { org: org.id });
	const slug = `${org.slug}-${suffix}`.slice(0, 63);
	const instance = await api(page, 'POST', '/api/instances', { orgId: org.id, serverId: server.body.id, slug, name: `Shop ${suffix}`, container: container.name });
	expect(instance.status, JSON.stringify(instance.body)).toBe(201);
	return { slug, container };
}

async function containerRunning(id: string): Promise<boolean> {
	return (await docker.getContainer(id).inspect()).State.Running;
}

function formPost(page: Page, path: string, form: Record<string, string>) {
	return page.request.post(path, { form, headers: { origin: new URL(page.url()).origin, 'x-sveltekit-action': 'true' } });
}

test('a server added from the page is reachable; an instance is created, stopped, started and forgotten', async ({ browser }) => {
	const page = await newDevice(browser);
	await signUpOrSignInAdmin(page);
	const org = await createOrgFromDashboard(page, 'Pages Docker');

	await page.goto(`/orgs/${org.slug}/servers`);
	await expect(page.getByText('No servers yet')).toBeVisible();
	const addForm = page.locator('form[action="?/create"]');

	// A refused TLS server: the message names the field, the pasted key does not stay on screen.
	await addForm.getByLabel('Name').fill('remote');
	await addForm.getByLabel('Kind').selectOption('tcp');
	await addForm.getByLabel('Endpoint').fill('docker.example.com:2376');
	await addForm.getByLabel('CA certificate (PEM)').fill('not a certificate');
	await addForm.getByLabel('Client certificate (PEM)').fill('not a certificate either');
	await addForm.getByLabel('Client key (PEM)').fill('-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----');
	await addForm.getByRole('button', { name: 'Add server' }).click();
	await expect(addForm.locator('#field-tlsCa-error')).toContainText('CA certificate');
	await expect(addForm.getByLabel('Client key (PEM)')).toHaveValue('');
	await expect(addForm.getByLabel('Name')).toHaveValue('remote');
	await expect(page.getByTestId('server-row')).toHaveCount(0);

	// The local engine (offered to platform administrators, its path filled in).
	await addForm.getByLabel('Name').fill('local');
	await addForm.getByLabel('Kind').selectOption('socket');
	await addForm.getByLabel('Endpoint').fill('/var/run/docker.sock');
	await addForm.getByRole('button', { name: 'Add server' }).click();
	await expect(page.getByText('Server local was added.')).toBeVisible();
	const serverRow = page.getByTestId('server-row');
	await expect(serverRow).toHaveCount(1);
	const engine = await docker.version();
	await expect(serverRow.getByTestId('server-reachability')).toHaveText(`Docker ${engine.Version} reachable`);

	// An instance on a container assigned to this org, from the form, in an environment picked by project.
	const project = await api(page, 'POST', `/api/orgs/${org.id}/projects`, { name: 'Webshop' });
	for (const name of ['production', 'staging']) {
		expect((await api(page, 'POST', `/api/projects/${project.body.id}/environments`, { name })).status).toBe(201);
	}
	const container = await startTestContainer('e2e-pages-shop', { org: org.id });
	const slug = `${org.slug}-shop`.slice(0, 63);
	await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Instances' }).click();
	await expect(page.getByRole('heading', { name: 'New instance' })).toBeVisible();
	const create = page.locator('form[action="?/create"]');
	await create.getByLabel('Name').fill('Web shop');
	await create.getByLabel('Slug').fill(slug);
	await create.getByLabel('Container').fill(container.name);
	await expect(create.locator('optgroup[label="Webshop"] option')).toHaveText(['Webshop / production', 'Webshop / staging']);
	await create.getByLabel('Environment').selectOption({ label: 'Webshop / staging' });
	await create.getByRole('button', { name: 'Create instance' }).click();
	const row = page.getByTestId('instance-row');
	await expect(row).toHaveCount(1);
	await expect(row.getByTestId('instance-status')).toHaveText('Running');
	await expect(row).toContainText('staging');
	await expect(row).toContainText('project Webshop');
	await expect(row).toContainText(`container ${container.name} on local`);

	// The same container cannot be bound twice: the refusal is shown beside the form.
	await create.getByLabel('Name').fill('Twin');
	await create.getByLabel('Slug').fill(`${slug}-2`.slice(0, 63));
	await create.getByLabel('Container').fill(container.name);
	await create.getByRole('button', { name: 'Create instance' }).click();
	await expect(page.getByRole('alert')).toContainText('already bound to an instance');
	await expect(row).toHaveCount(1);

	await confirmAction(row, 'Stop', 'Stop instance');
	await expect(row.getByTestId('instance-status')).toHaveText('Stopped');
	expect(await containerRunning(container.id)).toBe(false);
	await row.getByRole('button', { name: 'Start' }).click();
	await expect(row.getByTestId('instance-status')).toHaveText('Running');
	expect(await containerRunning(container.id)).toBe(true);

	// The instance's own page: the SSH command, and start/stop there too.
	const ssh = await (await page.request.get('/api/ssh/client-config')).json();
	await row.getByRole('link', { name: 'Web shop', exact: true }).click();
	await expect(page).toHaveURL(new RegExp(`/orgs/${org.slug}/instances/${slug}$`));
	await expect(page.getByRole('heading', { name: 'Web shop' })).toBeVisible();
	await expect(page.getByText(`ssh -p ${ssh.port} ${slug}@${ssh.host}`, { exact: true })).toBeVisible();
	await expect(page.getByTestId('instance-status')).toHaveText('Running');
	await expect(page.getByRole('heading', { name: 'Recent sessions' })).toBeVisible();
	await expect(page.getByText('No sessions yet')).toBeVisible();
	await confirmAction(page, 'Stop', 'Stop instance');
	await expect(page.getByTestId('instance-status')).toHaveText('Stopped');
	await page.getByRole('button', { name: 'Start' }).click();
	await expect(page.getByTestId('instance-status')).toHaveText('Running');

	// Forgetting names the container that stays, and leaves it running.
	await page.getByRole('button', { name: 'Forget', exact: true }).click();
	await expect(page.getByRole('alertdialog')).toContainText(`the container ${container.name} is left as it is`);
	await page.getByRole('alertdialog').getByRole('button', { name: 'Forget instance' }).click();
	await expect(page).toHaveURL(new RegExp(`/orgs/${org.slug}/instances$`));
	await expect(page.getByText('No instances yet')).toBeVisible();
	expect(await containerRunning(container.id)).toBe(true);

	// The server, now unused, is deleted behind its dialog.
	await page.goto(`/orgs/${org.slug}/servers`);
	await confirmAction(page.getByTestId('server-row'), 'Delete', 'Delete server');
	await expect(page.getByText('The server was removed.')).toBeVisible();
	await expect(page.getByTestId('server-row')).toHaveCount(0);
});

test('a Viewer sees no forms and a forged post is refused; another org’s instance is 404 under this org', async ({ browser, request }) => {
	const owner = await newDevice(browser);
	await signUpOrSignInAdmin(owner);
	const org = await createOrgFromDashboard(owner, 'Viewer Docker');
	const other = await createOrgFromDashboard(owner, 'Other Docker');
	const mine = await instanceOverApi(owner, org, 'mine');
	const theirs = await instanceOverApi(owner, other, 'theirs');

	const viewer = await restAccount(request, 'viewer');
	await joinThroughInvitation(owner, org.id, viewer, 'Viewer');
	const page = await newDevice(browser);
	await signIn(page, viewer);

	await page.goto(`/orgs/${org.slug}/servers`);
	await expect(page.getByTestId('server-row')).toHaveCount(1);
	await expect(page.getByTestId('server-reachability')).toContainText('reachable');
	await expect(page.getByRole('heading', { name: 'Add server' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Delete' })).toHaveCount(0);
	await page.goto(`/orgs/${org.slug}/instances`);
	await expect(page.getByTestId('instance-row').getByTestId('instance-status')).toHaveText('Running');
	await expect(page.getByRole('heading', { name: 'New instance' })).toHaveCount(0);
	await expect(page.locator('main form')).toHaveCount(0);
	await page.goto(`/orgs/${org.slug}/instances/${mine.slug}`);
	await expect(page.getByRole('heading', { name: 'Shop mine' })).toBeVisible();
	await expect(page.locator('main form')).toHaveCount(0);
	// No view:audit_logs: no sessions card.
	await expect(page.getByRole('heading', { name: 'Recent sessions' })).toHaveCount(0);

	// Forged posts are refused by the procedures: the container keeps running, no server is added.
	const stop = await formPost(page, `/orgs/${org.slug}/instances?/stop`, { slug: mine.slug });
	expect(await stop.json()).toMatchObject({ type: 'failure', status: 403 });
	expect(await containerRunning(mine.container.id)).toBe(true);
	const add = await formPost(page, `/orgs/${org.slug}/servers?/create`, { name: 'sneaky', kind: 'socket', endpoint: '/var/run/docker.sock' });
	expect(await add.json()).toMatchObject({ type: 'failure', status: 403 });
	expect((await api(owner, 'GET', `/api/servers?orgId=${org.id}`)).body.servers).toHaveLength(1);

	// Another org's instance under this org's URL: 404 for the Viewer (not a member there) and for
	// the owner of both; a post naming it from this org's page touches nothing.
	for (const who of [page, owner]) {
		const response = await who.goto(`/orgs/${org.slug}/instances/${theirs.slug}`);
		expect(response?.status()).toBe(404);
		await expect(who.getByText('Instance not found')).toBeVisible();
	}
	const forged = await formPost(owner, `/orgs/${org.slug}/instances?/stop`, { slug: theirs.slug });
	expect(await forged.json()).toMatchObject({ type: 'failure', status: 404 });
	expect(await containerRunning(theirs.container.id)).toBe(true);
});

test('without JavaScript: stop asks first (a disclosure), start and forget work as plain forms', async ({ browser }) => {
	const owner = await newDevice(browser);
	await signUpOrSignInAdmin(owner);
	const org = await createOrgFromDashboard(owner, 'Plain Docker');
	const { slug, container } = await instanceOverApi(owner, org, 'plain');

	const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
	await signIn(page, ADMIN);
	await page.goto(`/orgs/${org.slug}/instances/${slug}`);
	await expect(page.getByTestId('instance-status')).toHaveText('Running');
	// The fallback of the confirmation: the disclosure names what happens, its button stops.
	await page.locator('summary', { hasText: 'Stop' }).click();
	await expect(page.getByText(`Docker stops its container ${container.name}`)).toBeVisible();
	await page.getByRole('button', { name: 'Stop instance' }).click();
	await expect(page.getByTestId('instance-status')).toHaveText('Stopped');
	expect(await containerRunning(container.id)).toBe(false);
	await page.getByRole('button', { name: 'Start', exact: true }).click();
	await expect(page.getByTestId('instance-status')).toHaveText('Running');
	await page.locator('summary', { hasText: 'Forget' }).click();
	await page.getByRole('button', { name: 'Forget instance' }).click();
	await expect(page).toHaveURL(new RegExp(`/orgs/${org.slug}/instances$`));
	await expect(page.getByText('No instances yet')).toBeVisible();

	// The Add server form shows every kind's fields without JavaScript; a refusal empties the secrets.
	await page.goto(`/orgs/${org.slug}/servers`);
	await page.getByLabel('Name').fill('plain-ssh');
	await page.getByLabel('Kind').selectOption('ssh');
	await page.getByLabel('Endpoint').fill('ssh://deploy@docker.example.com');
	await page.getByLabel('Password', { exact: true }).fill('hunter2-secret');
	await page.getByLabel('Host key fingerprint (optional)').fill('not-a-fingerprint');
	await page.getByRole('button', { name: 'Add server' }).click();
	await expect(page.locator('#field-sshHostKeyFingerprint-error')).toContainText('Host key fingerprint must look like');
	await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
	await expect(page.getByLabel('Name')).toHaveValue('plain-ssh');
	expect(await page.content()).not.toContain('hunter2-secret');
});

test('the instance page lists its recent gateway sessions: who, how, how long, exit status', async ({ browser }) => {
	const page = await newDevice(browser);
	await signUpOrSignInAdmin(page);
	const org = await createOrgFromDashboard(page, 'Sessions Docker');
	const { slug } = await instanceOverApi(page, org, 'sessions');
	const key = generateKey('ed25519', undefined, ADMIN.email);
	const added = await api(page, 'POST', '/api/user/ssh-keys', { name: `laptop-${slug}`.slice(0, 60), publicKey: key.line });
	expect(added.status, JSON.stringify(added.body)).toBe(201);
	const { port } = await (await page.request.get('/api/ssh/client-config')).json();
	const run = await runSsh(port, key.privateFile, slug, 'echo hello; exit 3');
	expect(run.code, run.stderr).toBe(3);

	await page.goto(`/orgs/${org.slug}/instances/${slug}`);
	const row = page.getByTestId('session-row');
	await expect(row).toHaveCount(1);
	await expect(row).toContainText(ADMIN.email);
	await expect(row).toContainText('SSH · exec');
	await expect(row).toContainText('Exit 3');
	await expect(row).toContainText('echo hello; exit 3');
	await expect(row).toContainText(/\d+ s/);
	// The org's Sessions page, filtered to this instance, holds the same session.
	await page.getByRole('link', { name: `All sessions on ${slug}, with their recordings` }).click();
	await expect(page).toHaveURL(new RegExp(`/orgs/${org.slug}/sessions\\?instance=${slug}$`));
	await expect(page.getByTestId('session-row')).toHaveCount(1);
});
