import { expect, test } from '@playwright/test';
import { newAccount, newDevice, signUp, signUpOrSignInAdmin } from './helpers';
import { api, createOrgFromDashboard, newOrgName } from './org-helpers';

test('an owner creates an org at its slug address, invites a Viewer who joins only by accepting, sees no member controls and can leave', async ({
	browser
}) => {
	const owner = newAccount('owner');
	const viewer = newAccount('viewer');
	const ownerPage = await newDevice(browser);
	const viewerPage = await newDevice(browser);
	await signUp(ownerPage, owner);
	await signUp(viewerPage, viewer);
	// A new user is offered their first org, and told that an invitation gets them in too.
	await expect(viewerPage.getByText('Create your first organization')).toBeVisible();
	await expect(viewerPage.getByText('accepting it gets you in too')).toBeVisible();

	// The slug follows the name as it is typed, until the user edits it.
	await ownerPage.getByLabel('Name', { exact: true }).fill('Café Ünïon & Co');
	await expect(ownerPage.getByLabel('Slug')).toHaveValue('cafe-union-co');
	await ownerPage.getByLabel('Slug').fill('my-own-slug');
	await ownerPage.getByLabel('Name', { exact: true }).fill('Something else');
	await expect(ownerPage.getByLabel('Slug')).toHaveValue('my-own-slug');

	const org = await createOrgFromDashboard(ownerPage, 'Acme Odoo');
	await expect(ownerPage.getByRole('heading', { name: new RegExp(org.name) })).toBeVisible();
	await expect(ownerPage.getByTestId('member-row')).toHaveCount(1);
	await expect(ownerPage.getByTestId('member-row')).toContainText('Owner');
	// Leaving and deleting live on Settings now, not beside the member list.
	await expect(ownerPage.getByRole('button', { name: /Leave organization|Delete organization/ })).toHaveCount(0);

	// An old /orgs/<uuid> link still works: it is sent to the slug address, sub-pages included.
	await ownerPage.goto(`/orgs/${org.id}/roles`);
	await expect(ownerPage).toHaveURL(new RegExp(`/orgs/${org.slug}/roles$`));
	await ownerPage.goto(`/orgs/${org.id}`);
	await expect(ownerPage).toHaveURL(new RegExp(`/orgs/${org.slug}$`));

	// The same slug again is refused beside the slug field; the dashboard lists the org as a card.
	await ownerPage.goto('/dashboard');
	await expect(ownerPage.getByTestId('org-item').filter({ hasText: org.name })).toContainText('Owner');
	await expect(ownerPage.getByTestId('org-item').filter({ hasText: org.name })).toContainText('1 member');
	await ownerPage.getByLabel('Name', { exact: true }).fill(org.name);
	await ownerPage.getByRole('button', { name: 'Create organization' }).click();
	await expect(ownerPage.getByLabel('Slug')).toHaveAccessibleDescription(new RegExp(`"${org.slug}" is already taken`));
	await ownerPage.getByRole('link', { name: org.name }).click();
	await expect(ownerPage).toHaveURL(new RegExp(`/orgs/${org.slug}$`));

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

	// The stranger's invitation is revoked after a dialog naming what happens.
	const strangerRow = ownerPage.getByTestId('invitation-row').filter({ hasText: stranger });
	await strangerRow.getByRole('button', { name: 'Revoke' }).click();
	const dialog = ownerPage.getByRole('alertdialog', { name: 'Revoke invitation' });
	await expect(dialog).toContainText(`Revoke the invitation to ${stranger}? The link in their mail stops working`);
	await dialog.getByRole('button', { name: 'Revoke invitation' }).click();
	await expect(ownerPage.getByText('The invitation was revoked; its link no longer works.')).toBeVisible();
	await expect(ownerPage.getByTestId('invitation-row')).toHaveCount(1);

	// Until they accept, the invitee is no member: the dashboard offers the invitation, nothing more.
	await viewerPage.reload();
	await expect(viewerPage.getByText('Create your first organization')).toBeVisible();
	const invitation = viewerPage.getByTestId('invitation').filter({ hasText: org.name });
	await expect(invitation).toContainText('Viewer');
	await expect(invitation).toContainText(`Invited by ${owner.name}`);
	await invitation.getByRole('button', { name: 'Accept' }).click();
	await expect(viewerPage).toHaveURL(new RegExp(`/orgs/${org.slug}$`));
	await expect(viewerPage.getByTestId('member-row')).toHaveCount(2);
	await expect(viewerPage.getByTestId('member-row').filter({ hasText: owner.email })).toContainText('Owner');
	await expect(viewerPage.getByRole('heading', { name: 'Invite a member' })).toHaveCount(0);
	await expect(viewerPage.getByRole('button', { name: /^Actions for/ })).toHaveCount(0);
	await expect(viewerPage.getByRole('combobox')).toHaveCount(0);
	await expect(viewerPage.getByRole('link', { name: 'Audit log' })).toHaveCount(0);

	await ownerPage.reload();
	await expect(ownerPage.getByTestId('invitation-row')).toHaveCount(0);
	await expect(ownerPage.getByLabel(`Role of ${viewer.name}`).getByRole('option', { name: 'Viewer', selected: true })).toBeAttached();

	// The server refuses what the page hides: the Viewer's direct visit to the audit log is a 403.
	const audit = await viewerPage.goto(`/orgs/${org.slug}/audit`);
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

	// The Viewer leaves from the org's Settings, after a dialog saying what they lose.
	await viewerPage.goto(`/orgs/${org.slug}`);
	await viewerPage.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Settings' }).click();
	await expect(viewerPage.getByText('Only an owner can rename the organization.')).toBeVisible();
	await expect(viewerPage.getByRole('heading', { name: 'Danger zone' })).toHaveCount(0);
	await viewerPage.getByRole('button', { name: 'Leave organization' }).click();
	const leave = viewerPage.getByRole('alertdialog', { name: 'Leave organization' });
	await expect(leave).toContainText('an admin must invite you again to come back');
	await leave.getByRole('button', { name: 'Leave organization' }).click();
	await expect(viewerPage).toHaveURL(/\/dashboard$/);
	await expect(viewerPage.getByText('Create your first organization')).toBeVisible();
});

test('the mailed link of an address without an account is a link in the outbox; it leads to sign-up, then to the invitation, which can be declined', async ({
	browser
}) => {
	const admin = await newDevice(browser);
	await signUpOrSignInAdmin(admin);
	const owner = await newDevice(browser);
	await signUp(owner, newAccount('inviter'));
	const org = await createOrgFromDashboard(owner, 'Linked Org');
	const invitee = newAccount('newcomer');
	await owner.getByLabel('Email').fill(invitee.email);
	await owner.getByRole('button', { name: 'Invite member' }).click();
	await expect(owner.getByTestId('invitation-row')).toContainText(invitee.email);

	await admin.goto('/admin/outbox');
	const mail = admin.getByTestId('outbox-message').filter({ hasText: `To ${invitee.email}` }).first();
	await expect(mail).toContainText(`Invitation to join ${org.name} on oCore`);
	// The URL in the body is a real link, not text to copy.
	const link = mail.getByRole('link', { name: /\/signup\?/ });
	await expect(link).toHaveCount(1);
	const href = await link.getAttribute('href');
	expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/signup\?/);

	const page = await newDevice(browser);
	await page.goto(href!);
	await expect(page.getByLabel('Email')).toHaveValue(invitee.email);
	await page.getByLabel('Name').fill(invitee.name);
	await page.getByLabel('Password').fill(invitee.password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/invitations\?token=[\w-]{43}$/, { timeout: 15_000 });
	const card = page.getByTestId('invitation');
	await expect(card).toContainText(org.name);
	await card.getByRole('button', { name: 'Decline' }).click();
	await page.getByRole('alertdialog', { name: 'Decline invitation' }).getByRole('button', { name: 'Decline invitation' }).click();
	await expect(page.getByText('Invitation declined. You were not added to the organization.')).toBeVisible();

	// Opened from the account menu (no link), the page lists pending invitations: none now.
	await page.goto('/invitations');
	await expect(page.getByText('No pending invitations')).toBeVisible();
	await page.goto('/dashboard');
	await expect(page.getByText('Create your first organization')).toBeVisible();
	await expect(page.getByTestId('invitation')).toHaveCount(0);
});

test('an outsider gets a 404 for an org they do not belong to, by slug and by id', async ({ browser }) => {
	const owner = await newDevice(browser);
	await signUp(owner, newAccount('private'));
	const org = await createOrgFromDashboard(owner, 'Private Org');

	const outsider = await newDevice(browser);
	await signUp(outsider, newAccount('outsider'));
	for (const path of [`/orgs/${org.slug}`, `/orgs/${org.id}`, `/orgs/${org.slug}/settings`, `/orgs/${newOrgName().slug}`]) {
		const response = await outsider.goto(path);
		expect(response?.status(), path).toBe(404);
		await expect(outsider.getByText('Organization not found')).toBeVisible();
	}
	expect((await api(outsider, 'GET', `/api/orgs/${org.id}/roles`)).status).toBe(404);
});
