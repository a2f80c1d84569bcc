import { expect, test } from '@playwright/test';
import { newAccount, newDevice, signUp } from './helpers';

test('an owner creates an org and adds a Viewer, who sees it without member controls', async ({ browser }) => {
	const owner = newAccount('owner');
	const viewer = newAccount('viewer');
	const ownerPage = await newDevice(browser);
	const viewerPage = await newDevice(browser);
	await signUp(ownerPage, owner);
	await signUp(viewerPage, viewer);
	await expect(viewerPage.getByText('You do not belong to any organization yet.')).toBeVisible();

	const slug = `acme-${Date.now().toString(36)}`;
	await ownerPage.getByLabel('Name').fill('Acme Odoo');
	await ownerPage.getByLabel('Slug').fill(slug);
	await ownerPage.getByRole('button', { name: 'Create organization' }).click();
	await expect(ownerPage.getByRole('heading', { name: /Acme Odoo/ })).toBeVisible();
	await expect(ownerPage.getByTestId('member-row')).toHaveCount(1);
	await expect(ownerPage.getByTestId('member-row')).toContainText('Owner');

	// The same slug again is refused beside the slug field.
	await ownerPage.goto('/dashboard');
	await expect(ownerPage.getByTestId('org-item').filter({ hasText: slug })).toContainText('Owner');
	await ownerPage.getByLabel('Name').fill('Acme again');
	await ownerPage.getByLabel('Slug').fill(slug);
	await ownerPage.getByRole('button', { name: 'Create organization' }).click();
	await expect(ownerPage.getByLabel('Slug')).toHaveAccessibleDescription(new RegExp(`"${slug}" is already taken`));
	await ownerPage.getByRole('link', { name: 'Acme Odoo' }).click();

	// An unknown email is refused next to the email field.
	await ownerPage.getByLabel('Email').fill(`nobody-${viewer.email}`);
	await ownerPage.getByRole('button', { name: 'Add member' }).click();
	await expect(ownerPage.getByLabel('Email')).toHaveAccessibleDescription('No account with that email');

	await ownerPage.getByLabel('Email').fill(viewer.email);
	await ownerPage.getByLabel('Role', { exact: true }).selectOption({ label: 'Viewer' });
	await ownerPage.getByRole('button', { name: 'Add member' }).click();
	await expect(ownerPage.getByText(`${viewer.name} was added as Viewer.`)).toBeVisible();
	const viewerRow = ownerPage.getByTestId('member-row').filter({ hasText: viewer.email });
	await expect(viewerRow.getByLabel(`Role of ${viewer.name}`)).toHaveValue(/.+/);
	await expect(viewerRow.getByRole('option', { name: 'Viewer', selected: true })).toBeAttached();

	await viewerPage.reload();
	const item = viewerPage.getByTestId('org-item').filter({ hasText: slug });
	await expect(item).toContainText('Viewer');
	await expect(item).not.toContainText('Owner');
	await item.getByRole('link', { name: 'Acme Odoo' }).click();
	await expect(viewerPage.getByTestId('member-row')).toHaveCount(2);
	await expect(viewerPage.getByTestId('member-row').filter({ hasText: owner.email })).toContainText('Owner');
	await expect(viewerPage.getByRole('heading', { name: 'Add a member' })).toHaveCount(0);
	await expect(viewerPage.getByRole('button', { name: 'Change' })).toHaveCount(0);
	await expect(viewerPage.locator('summary', { hasText: 'Remove' })).toHaveCount(0);
	await expect(viewerPage.getByRole('link', { name: 'Audit log' })).toHaveCount(0);

	// The server refuses what the page hides: the Viewer's direct visit to the audit log is a 403.
	const audit = await viewerPage.goto(`${new URL(viewerPage.url()).pathname}/audit`);
	expect(audit?.status()).toBe(403);

	// The owner's audit log records the membership change, and its filter narrows to it.
	await ownerPage.getByRole('link', { name: 'Audit log' }).click();
	await expect(ownerPage.getByTestId('audit-row').filter({ hasText: 'member.added' })).toHaveCount(1);
	await ownerPage.getByLabel('Action').fill('member.added');
	await ownerPage.getByRole('button', { name: 'Apply' }).click();
	await expect(ownerPage).toHaveURL(/action=member.added/);
	await expect(ownerPage.getByTestId('audit-row')).toHaveCount(1);
	await expect(ownerPage.getByTestId('audit-row')).toContainText(owner.email);
});

test('an outsider gets a 404 for an org they do not belong to', async ({ browser }) => {
	const owner = await newDevice(browser);
	await signUp(owner, newAccount('private'));
	await owner.getByLabel('Name').fill('Private Org');
	await owner.getByLabel('Slug').fill(`private-${Date.now().toString(36)}`);
	await owner.getByRole('button', { name: 'Create organization' }).click();
	await expect(owner).toHaveURL(/\/orgs\/[0-9a-f-]{36}$/);

	const outsider = await newDevice(browser);
	await signUp(outsider, newAccount('outsider'));
	const response = await outsider.goto(new URL(owner.url()).pathname);
	expect(response?.status()).toBe(404);
	await expect(outsider.getByText('Organization not found')).toBeVisible();
});
