/**
 * The org's Projects page: from the empty state, a project is created, its environments added,
 * renamed in place and deleted behind a dialog naming them; a name already taken and a project that
 * still has environments are refused beside the card they concern; the keyboard lands back on the
 * Rename button after a rename. A Viewer sees the projects without any form, and forged posts (a
 * Viewer's, and an owner's naming another org's project under this org's URL) change nothing.
 */
import { expect, test, type Page } from '@playwright/test';
import { confirmAction, newAccount, newDevice, signIn, signUp } from './helpers';
import { api, createOrgFromDashboard, joinThroughInvitation, restAccount } from './org-helpers';

function formPost(page: Page, path: string, form: Record<string, string>) {
	return page.request.post(path, { form, headers: { origin: new URL(page.url()).origin, 'x-sveltekit-action': 'true' } });
}

test('projects and environments are created, renamed and deleted from the page', async ({ browser }) => {
	const page = await newDevice(browser);
	await signUp(page, newAccount('projects'));
	const org = await createOrgFromDashboard(page, 'Projects Co');
	await page.goto(`/orgs/${org.slug}`);
	await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Projects' }).click();
	await expect(page).toHaveURL(`/orgs/${org.slug}/projects`);
	await expect(page.getByText('No projects yet')).toBeVisible();

	const newProject = page.locator('form[action="?/createProject"]');
	await newProject.getByLabel('Project name').fill('Webshop');
	await newProject.getByRole('button', { name: 'Create project' }).click();
	await expect(page.getByText('Project Webshop was created. Add its environments next.')).toBeVisible();
	// The one project's card (its heading gives way to the rename form while renaming).
	const card = page.getByTestId('project-card');
	await expect(card.getByRole('heading', { name: 'Webshop' })).toBeVisible();
	await expect(card).toContainText('No environments yet');

	// The same name again: refused beside the field, what was typed kept.
	await newProject.getByLabel('Project name').fill('Webshop');
	await newProject.getByRole('button', { name: 'Create project' }).click();
	await expect(newProject.getByLabel('Project name')).toHaveAccessibleDescription('A project named "Webshop" already exists in this organization');
	await expect(page.getByTestId('project-card')).toHaveCount(1);

	const addEnvironment = card.getByLabel('New environment');
	for (const name of ['staging', 'production']) {
		await addEnvironment.fill(name);
		await card.getByRole('button', { name: 'Add environment' }).click();
		await expect(page.getByText(`Environment ${name} was created.`)).toBeVisible();
	}
	const rows = card.getByTestId('environment-row');
	await expect(rows).toHaveCount(2);
	await expect(rows.first()).toContainText('production');
	await expect(rows.first().getByTestId('environment-instances')).toHaveText('No instances');
	await addEnvironment.fill('staging');
	await card.getByRole('button', { name: 'Add environment' }).click();
	await expect(card.getByLabel('New environment')).toHaveAccessibleDescription('Project "Webshop" already has an environment named "staging"');

	// Rename in place: Escape cancels, Enter saves, and the keyboard is back on the row's Rename button.
	await card.getByRole('button', { name: 'Rename environment staging of Webshop' }).click();
	const renameField = card.getByLabel('Environment name');
	await expect(renameField).toBeFocused();
	await renameField.press('Escape');
	await expect(card.getByRole('button', { name: 'Rename environment staging of Webshop' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(renameField).toBeFocused();
	await renameField.fill('stage');
	await renameField.press('Enter');
	await expect(page.getByText('The environment is now called stage.')).toBeVisible();
	await expect(card.getByRole('button', { name: 'Rename environment stage of Webshop' })).toBeFocused();
	await card.getByRole('button', { name: 'Rename project Webshop' }).click();
	await card.getByLabel('Project name').fill('Web shop');
	await card.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByText('The project is now called Web shop.')).toBeVisible();
	const renamed = card;
	await expect(renamed.getByRole('heading', { name: 'Web shop' })).toBeVisible();
	await expect(renamed.getByTestId('environment-row')).toHaveCount(2);

	// A project with environments: the dialog says so, and the refusal shows in its card.
	await renamed.locator('form[action="?/deleteProject"]').getByRole('button', { name: 'Delete', exact: true }).click();
	const dialog = page.getByRole('alertdialog');
	await expect(dialog).toContainText('Project Web shop still has 2 environment(s)');
	await dialog.getByRole('button', { name: 'Delete project' }).click();
	await expect(renamed.getByRole('alert')).toHaveText('Project "Web shop" still has 2 environment(s); delete them first');

	// Environments go first, each behind a dialog naming it; then the project.
	for (const name of ['production', 'stage']) {
		const row = renamed.getByTestId('environment-row').filter({ hasText: name });
		await row.getByRole('button', { name: 'Delete', exact: true }).click();
		await expect(page.getByRole('alertdialog')).toContainText(`Delete environment ${name} of Web shop? No instance runs in it.`);
		await page.getByRole('alertdialog').getByRole('button', { name: 'Delete environment' }).click();
		await expect(page.getByText('The environment was deleted.')).toBeVisible();
	}
	await expect(renamed).toContainText('No environments yet');
	await confirmAction(renamed.locator('form[action="?/deleteProject"]'), 'Delete', 'Delete project');
	await expect(page.getByText('The project was deleted.')).toBeVisible();
	await expect(page.getByText('No projects yet')).toBeVisible();

	// Each change is in the audit log, as a sentence.
	await page.goto(`/orgs/${org.slug}/audit`);
	await expect(page.getByText('renamed the environment "staging" to "stage" in project "Webshop"')).toBeVisible();
	await expect(page.getByText('deleted the project "Web shop"')).toBeVisible();
});

test('a Viewer sees projects without forms; forged posts and another org’s project change nothing', async ({ browser, request }) => {
	const owner = await newDevice(browser);
	await signUp(owner, newAccount('projects-owner'));
	const org = await createOrgFromDashboard(owner, 'Seen Projects');
	const other = await createOrgFromDashboard(owner, 'Other Projects');
	const project = await api(owner, 'POST', `/api/orgs/${org.id}/projects`, { name: 'CRM' });
	expect(project.status, JSON.stringify(project.body)).toBe(201);
	expect((await api(owner, 'POST', `/api/projects/${project.body.id}/environments`, { name: 'production' })).status).toBe(201);
	const theirs = await api(owner, 'POST', `/api/orgs/${other.id}/projects`, { name: 'Theirs' });

	const viewer = await restAccount(request, 'projects-viewer');
	await joinThroughInvitation(owner, org.id, viewer, 'Viewer');
	const page = await newDevice(browser);
	await signIn(page, viewer);
	await page.goto(`/orgs/${org.slug}/projects`);
	const card = page.getByTestId('project-card');
	await expect(card).toHaveCount(1);
	await expect(card.getByRole('heading', { name: 'CRM' })).toBeVisible();
	await expect(card.getByTestId('environment-row')).toContainText('production');
	await expect(page.locator('main form')).toHaveCount(0);
	await expect(page.getByRole('button', { name: /Rename|Delete/ })).toHaveCount(0);

	const forged = await formPost(page, `/orgs/${org.slug}/projects?/deleteProject`, { projectId: project.body.id });
	expect(await forged.json()).toMatchObject({ type: 'failure', status: 403 });
	// The owner of both orgs, naming the other org's project under this org's URL: not found, untouched.
	await owner.goto(`/orgs/${org.slug}/projects`);
	const crossed = await formPost(owner, `/orgs/${org.slug}/projects?/renameProject`, { projectId: theirs.body.id, name: 'Hijacked' });
	expect(await crossed.json()).toMatchObject({ type: 'failure', status: 404 });
	expect((await api(owner, 'GET', `/api/orgs/${other.id}/projects`)).body.projects).toEqual([expect.objectContaining({ name: 'Theirs' })]);
	expect((await api(owner, 'GET', `/api/orgs/${org.id}/projects`)).body.projects).toEqual([expect.objectContaining({ name: 'CRM' })]);
});
