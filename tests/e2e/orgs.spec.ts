import { expect, test } from '@playwright/test';
import { newAccount, newDevice, signUp, signUpOrSignInAdmin } from './helpers';

test('an owner invites a Viewer, who joins only by accepting, sees no member controls and can leave', async ({ browser }) => {
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
	// The only owner is told how to get out instead of being offered a button that must fail.
	await expect(ownerPage.getByText('You are the only owner, so you cannot leave.')).toBeVisible();

	// The same slug again is refused beside the slug field.
	await ownerPage.goto('/dashboard');
	await expect(ownerPage.getByTestId('org-item').filter({ hasText: slug })).toContainText('Owner');
	await ownerPage.getByLabel('Name').fill('Acme again');
	await ownerPage.getByLabel('Slug').fill(slug);
	await ownerPage.getByRole('button', { name: 'Create organization' }).click();
	await expect(ownerPage.getByLabel('Slug')).toHaveAccessibleDescription(new RegExp(`"${slug}" is already taken`));
	await ownerPage.getByRole('link', { name: 'Acme Odoo' }).click();

	// An address without an account is invited just the same: the page does not tell them apart.
	const stranger = `nobody-${viewer.email}`;
	await ownerPage.getByLabel('Email').fill(stranger);
	await ownerPage.getByRole('button', { name: 'Invite member' }).click();
	await expect(ownerPage.getByText(`${stranger} was invited as Developer. They join when they accept.`)).toBeVisible();

	await ownerPage.getByLabel('Email').fill(viewer.email);
	await ownerPage.getByLabel('Role', { exact: true }).selectOption({ label: 'Viewer' });
	await ownerPage.getByRole('button', { name: 'Invite member' }).click();
	await expect(ownerPage.getByText(`${viewer.email} was invited as Viewer. They join when they accept.`)).toBeVisible();
	await expect(ownerPage.getByTestId('invitation-row')).toHaveCount(2);
	await expect(ownerPage.getByTestId('member-row')).toHaveCount(1);

	// The stranger's invitation is revoked after a confirmation naming what happens.
	const strangerRow = ownerPage.getByTestId('invitation-row').filter({ hasText: stranger });
	await strangerRow.locator('summary', { hasText: 'Revoke' }).click();
	await expect(strangerRow.getByText('The link in their mail stops working.')).toBeVisible();
	await strangerRow.getByRole('button', { name: 'Yes, revoke' }).click();
	await expect(ownerPage.getByText('The invitation was revoked; its link no longer works.')).toBeVisible();
	await expect(ownerPage.getByTestId('invitation-row')).toHaveCount(1);

	// Until they accept, the invitee is no member: the dashboard offers the invitation, nothing more.
	await viewerPage.reload();
	await expect(viewerPage.getByText('You do not belong to any organization yet.')).toBeVisible();
	const invitation = viewerPage.getByTestId('invitation').filter({ hasText: 'Acme Odoo' });
	await expect(invitation).toContainText('Viewer');
	await expect(invitation).toContainText(`Invited by ${owner.name}`);
	await invitation.getByRole('button', { name: 'Accept' }).click();
	await expect(viewerPage).toHaveURL(/\/orgs\/[0-9a-f-]{36}$/);
	await expect(viewerPage.getByTestId('member-row')).toHaveCount(2);
	await expect(viewerPage.getByTestId('member-row').filter({ hasText: owner.email })).toContainText('Owner');
	await expect(viewerPage.getByRole('heading', { name: 'Invite a member' })).toHaveCount(0);
	await expect(viewerPage.getByRole('button', { name: 'Change' })).toHaveCount(0);
	await expect(viewerPage.locator('summary', { hasText: 'Remove' })).toHaveCount(0);
	await expect(viewerPage.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
	const orgPath = new URL(viewerPage.url()).pathname;

	await ownerPage.reload();
	await expect(ownerPage.getByTestId('invitation-row')).toHaveCount(0);
	const viewerRow = ownerPage.getByTestId('member-row').filter({ hasText: viewer.email });
	await expect(viewerRow.getByRole('option', { name: 'Viewer', selected: true })).toBeAttached();

	// The server refuses what the page hides: the Viewer's direct visit to the audit log is a 403.
	const audit = await viewerPage.goto(`${orgPath}/audit`);
	expect(audit?.status()).toBe(403);

	// The owner's audit log records the invitation and the join, and its filter narrows to one.
	await ownerPage.getByRole('link', { name: 'Audit log' }).click();
	await expect(ownerPage.getByTestId('event-sentence').filter({ hasText: ` invited ${viewer.email} as Viewer` })).toHaveCount(1);
	await expect(ownerPage.getByTestId('event-sentence').filter({ hasText: ` invited ${stranger} as Developer` })).toHaveCount(1);
	await ownerPage.getByLabel('Action').selectOption({ label: 'Member joined' });
	await ownerPage.getByRole('button', { name: 'Apply' }).click();
	await expect(ownerPage).toHaveURL(/action=member.joined/);
	await expect(ownerPage.getByTestId('audit-row')).toHaveCount(1);
	await expect(ownerPage.getByTestId('audit-row')).toContainText(`${viewer.name} joined as Viewer`);

	// The Viewer leaves on their own, after a confirmation saying what they lose.
	await viewerPage.goto(orgPath);
	await viewerPage.locator('summary', { hasText: 'Leave organization' }).click();
	await expect(viewerPage.getByText('an admin must invite you again to come back')).toBeVisible();
	await viewerPage.getByRole('button', { name: 'Yes, leave' }).click();
	await expect(viewerPage).toHaveURL(/\/dashboard$/);
	await expect(viewerPage.getByText('You do not belong to any organization yet.')).toBeVisible();
});

test('the mailed link of an address without an account leads to sign-up, then to the invitation, which can be declined', async ({
	browser
}) => {
	const admin = await newDevice(browser);
	await signUpOrSignInAdmin(admin);
	const owner = await newDevice(browser);
	await signUp(owner, newAccount('inviter'));
	await owner.getByLabel('Name').fill('Linked Org');
	await owner.getByLabel('Slug').fill(`linked-${Date.now().toString(36)}`);
	await owner.getByRole('button', { name: 'Create organization' }).click();
	const invitee = newAccount('newcomer');
	await owner.getByLabel('Email').fill(invitee.email);
	await owner.getByRole('button', { name: 'Invite member' }).click();
	await expect(owner.getByTestId('invitation-row')).toContainText(invitee.email);

	await admin.goto('/admin/outbox');
	const mail = admin.getByTestId('outbox-message').filter({ hasText: `To ${invitee.email}` }).first();
	await expect(mail).toContainText('Invitation to join Linked Org on oCore');
	const link = (await mail.locator('pre').innerText()).match(/http:\/\/\S+\/signup\?\S+/)?.[0];
	expect(link, 'the mail holds a sign-up link').toBeTruthy();

	const page = await newDevice(browser);
	await page.goto(link!);
	await expect(page.getByLabel('Email')).toHaveValue(invitee.email);
	await page.getByLabel('Name').fill(invitee.name);
	await page.getByLabel('Password').fill(invitee.password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/invitations\?token=[\w-]{43}$/, { timeout: 15_000 });
	const card = page.getByTestId('invitation');
	await expect(card).toContainText('Linked Org');
	await card.locator('summary', { hasText: 'Decline' }).click();
	await card.getByRole('button', { name: 'Yes, decline' }).click();
	await expect(page.getByText('Invitation declined. You were not added to the organization.')).toBeVisible();
	await page.goto('/dashboard');
	await expect(page.getByText('You do not belong to any organization yet.')).toBeVisible();
	await expect(page.getByTestId('invitation')).toHaveCount(0);
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
