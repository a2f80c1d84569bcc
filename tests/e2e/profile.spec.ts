import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { fillSignIn, newAccount, newDevice, signIn, signUp, signUpOrSignInAdmin, type Account, confirmAction } from './helpers';

/** The newest outbox mail to `to` that holds `text`, read on the admin's page (the mail goes out during the request). */
async function mailTo(admin: Page, to: string, text: string) {
	const mail = admin.getByTestId('outbox-message').filter({ hasText: `To ${to}` }).filter({ hasText: text }).first();
	await admin.goto('/admin/outbox');
	await expect(mail).toBeVisible();
	return mail.innerText();
}

/** A bearer token for the REST setup steps that have no place in this flow's pages. */
async function apiToken(request: APIRequestContext, account: Account): Promise<string> {
	const login = await request.post('/api/auth/login', { data: { email: account.email, password: account.password } });
	expect(login.status()).toBe(200);
	return (await login.json()).accessToken;
}

test('change the name, and the email by the link mailed to the new address', async ({ browser }) => {
	const admin = await newDevice(browser);
	await signUpOrSignInAdmin(admin);
	const account = newAccount('profile');
	const page = await newDevice(browser);
	await signUp(page, account);
	await page.goto('/settings/profile');
	await expect(page.getByRole('heading', { name: 'Profile', level: 1 })).toBeVisible();

	const nameCard = page.getByRole('region', { name: 'Name' });
	await nameCard.getByLabel('Name').fill('Nina Renamed');
	await nameCard.getByRole('button', { name: 'Save name' }).click();
	await expect(nameCard.getByText('Your name was saved.')).toBeVisible();
	await page.reload();
	await expect(nameCard.getByLabel('Name')).toHaveValue('Nina Renamed');

	const emailCard = page.getByRole('region', { name: 'Email' });
	const newEmail = `new-${account.email}`;
	await emailCard.getByLabel('New email').fill(newEmail);
	await emailCard.getByLabel('Current password').fill('wrong-password-1');
	await emailCard.getByRole('button', { name: 'Send confirmation link' }).click();
	await expect(emailCard.getByLabel('Current password')).toHaveAccessibleDescription('Current password is incorrect');
	await expect(emailCard.getByLabel('Current password')).toHaveValue('');

	await emailCard.getByLabel('New email').fill(newEmail);
	await emailCard.getByLabel('Current password').fill(account.password);
	await emailCard.getByRole('button', { name: 'Send confirmation link' }).click();
	await expect(emailCard.getByText(`We sent a confirmation link to ${newEmail}.`)).toBeVisible();
	await expect(page.getByTestId('pending-email')).toContainText(`Waiting for you to confirm ${newEmail}`);
	await expect(page.getByTestId('current-email')).toHaveText(account.email);

	// The link goes to the new address; the old one hears of it with the new address masked.
	const link = (await mailTo(admin, newEmail, 'Confirm your new oCore email address')).match(/http:\/\/\S+\/confirm-email\?token=\S+/)?.[0];
	expect(link, 'the mail holds a confirmation link').toBeTruthy();
	const notice = await mailTo(admin, account.email, 'about to change');
	expect(notice).toContain('to n***@e2e.test');
	expect(notice).not.toContain(newEmail);

	// Opened on another device that is not signed in: a button, then the change.
	const phone = await newDevice(browser);
	await phone.goto(link!);
	await phone.getByRole('button', { name: 'Confirm new email' }).click();
	await expect(phone.getByText(`Your email address is now ${newEmail}.`)).toBeVisible();

	// Once only.
	await phone.goto(link!);
	await phone.getByRole('button', { name: 'Confirm new email' }).click();
	await expect(phone.getByRole('alert')).toHaveText('This confirmation link is invalid or has expired');

	await page.reload();
	await expect(page.getByTestId('current-email')).toHaveText(newEmail);
	await expect(page.getByTestId('pending-email')).toHaveCount(0);
	expect(await mailTo(admin, account.email, 'was changed')).toContain('changed to n***@e2e.test');

	await fillSignIn(phone, account);
	await expect(phone.getByRole('alert')).toHaveText('Invalid email or password');
	await signIn(phone, { email: newEmail, password: account.password });
});

test('a pending email change can be cancelled', async ({ page }) => {
	const account = newAccount('cancel');
	await signUp(page, account);
	await page.goto('/settings/profile');
	const emailCard = page.getByRole('region', { name: 'Email' });
	await emailCard.getByLabel('New email').fill(`other-${account.email}`);
	await emailCard.getByLabel('Current password').fill(account.password);
	await emailCard.getByRole('button', { name: 'Send confirmation link' }).click();
	await expect(page.getByTestId('pending-email')).toBeVisible();
	await page.getByRole('button', { name: 'Resend link' }).click();
	await expect(emailCard.getByRole('alert')).toHaveText(/^A link was sent a moment ago\. Try again in \d+ seconds?\.$/);
	await page.getByRole('button', { name: 'Cancel change' }).click();
	await expect(emailCard.getByText('The email change was cancelled.')).toBeVisible();
	await expect(page.getByTestId('pending-email')).toHaveCount(0);
});

test('delete the account: refused while the last owner of an org, then signed out on every device', async ({ browser, request }) => {
	const account = newAccount('deleter');
	const page = await newDevice(browser);
	await signUp(page, account);
	const otherDevice = await newDevice(browser);
	await signIn(otherDevice, account);

	const token = await apiToken(request, account);
	const orgName = `Acme Hosting ${Date.now().toString(36)}`;
	const created = await request.post('/api/orgs', {
		headers: { authorization: `Bearer ${token}` },
		data: { name: orgName, slug: `acme-${Date.now().toString(36)}` }
	});
	expect(created.status()).toBe(201);
	const orgId = (await created.json()).id;

	await page.goto('/settings/profile');
	const danger = page.getByRole('region', { name: 'Delete account' });
	await expect(danger.getByTestId('last-owner')).toContainText(`You are the last owner of ${orgName}.`);
	const deleteIt = async () => {
		await danger.getByLabel('Current password').fill(account.password);
		await confirmAction(danger, 'Delete account', 'Yes, delete my account');
	};
	await deleteIt();
	await expect(danger.getByRole('alert').filter({ hasText: 'Transfer' })).toHaveText(`Transfer ownership of ${orgName} or delete it first: you are its last owner.`);

	// The org goes (its own page is another flow), and then the account may.
	const deleted = await request.post('/api/trpc/orgs.delete', { headers: { authorization: `Bearer ${token}` }, data: { json: { orgId } } });
	expect(deleted.status()).toBe(200);
	await page.reload();
	await expect(danger.getByTestId('last-owner')).toHaveCount(0);
	await deleteIt();
	await expect(page).toHaveURL(/\/account-deleted$/);
	await expect(page.getByRole('heading', { name: 'Your account was deleted' })).toBeVisible();
	await page.goto('/dashboard');
	await expect(page).toHaveURL(/\/login/);

	// The other browser is told why at its next page load; the password no longer signs in.
	await otherDevice.goto('/settings/ssh-keys');
	await expect(otherDevice).toHaveURL(/\/login\?/);
	await expect(otherDevice.getByRole('status')).toHaveText('You were signed out because this account was deleted.');
	await fillSignIn(otherDevice, account);
	await expect(otherDevice.getByRole('alert')).toHaveText('Invalid email or password');
});
