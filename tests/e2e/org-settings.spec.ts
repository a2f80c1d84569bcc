/**
 * The org's Settings: renaming (the slug stays: it is the address), the last owner told why they
 * cannot leave, and deleting behind a dialog that wants the slug typed.
 */
import { expect, test } from '@playwright/test';
import { newAccount, newDevice, signUp } from './helpers';
import { createOrgFromDashboard } from './org-helpers';

test('an owner renames the org at the same address, cannot leave as its last owner, and deletes it after typing its slug', async ({ browser }) => {
	const page = await newDevice(browser);
	await signUp(page, newAccount('settings'));
	const org = await createOrgFromDashboard(page, 'Settings Co');
	await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Settings' }).click();
	await expect(page).toHaveURL(new RegExp(`/orgs/${org.slug}/settings$`));

	// Rename: the header follows, the address does not change.
	const renamed = `${org.name} Renamed`;
	await page.getByLabel('Organization name').fill(renamed);
	await page.getByRole('button', { name: 'Save name' }).click();
	await expect(page.getByText(`The organization is now called ${renamed}.`)).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(renamed);
	await expect(page).toHaveURL(new RegExp(`/orgs/${org.slug}/settings$`));
	await expect(page.getByText(`/orgs/${org.slug}`, { exact: true })).toBeVisible();
	await page.getByLabel('Organization name').fill('   ');
	await page.getByRole('button', { name: 'Save name' }).click();
	await expect(page.getByLabel('Organization name')).toHaveAccessibleDescription(/Name is required/);

	// The only owner is told how to get out instead of being offered a button that must fail.
	await expect(page.getByText(`You are the only owner of ${renamed}, so you cannot leave it`)).toBeVisible();
	await expect(page.getByRole('button', { name: 'Leave organization' })).toHaveCount(0);

	// Delete: the dialog names the org and keeps its button disabled until the slug is typed.
	const open = page.getByRole('button', { name: 'Delete organization' });
	await open.click();
	const dialog = page.getByRole('alertdialog', { name: 'Delete organization' });
	await expect(dialog).toContainText(`Delete ${renamed} for everyone?`);
	const confirm = dialog.getByRole('button', { name: 'Delete organization' });
	await expect(confirm).toBeDisabled();
	await dialog.getByLabel(`Type ${org.slug} to confirm`).fill(`${org.slug}-not`);
	await expect(confirm).toBeDisabled();
	await page.keyboard.press('Escape');
	await expect(dialog).toHaveCount(0);
	await expect(open).toBeFocused();
	// The server asks for the slug too: a post without it deletes nothing.
	const forged = await page.request.post(`/orgs/${org.slug}/settings?/deleteOrg`, {
		form: { confirm: 'wrong' },
		headers: { origin: new URL(page.url()).origin, 'x-sveltekit-action': 'true' }
	});
	expect(await forged.json()).toMatchObject({ type: 'failure', status: 400 });
	await page.reload();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(renamed);

	await open.click();
	await dialog.getByLabel(`Type ${org.slug} to confirm`).fill(org.slug);
	await confirm.click();
	await expect(page).toHaveURL(/\/dashboard$/);
	await expect(page.getByText('Create your first organization')).toBeVisible();
	expect((await page.goto(`/orgs/${org.slug}`))?.status()).toBe(404);
});
