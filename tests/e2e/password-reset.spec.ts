import { expect, test } from '@playwright/test';
import { fillSignIn, newAccount, newDevice, signIn, signUp, signUpOrSignInAdmin } from './helpers';

const CONFIRMATION = 'If an account exists for that email, we have sent it a link to reset the password.';

test('a password reset link from the admin outbox sets a new password', async ({ browser }) => {
	// The admin first: on a fresh install the very first account is a platform admin as well.
	const admin = await newDevice(browser);
	await signUpOrSignInAdmin(admin);

	const account = newAccount('reset');
	const user = await newDevice(browser);
	await signUp(user, account);

	const visitor = await newDevice(browser);
	await visitor.goto('/forgot-password');
	await visitor.getByLabel('Email').fill(account.email);
	await visitor.getByRole('button', { name: 'Send reset link' }).click();
	await expect(visitor.getByText(CONFIRMATION)).toBeVisible();

	// An unknown email gets the very same confirmation.
	await visitor.goto('/forgot-password');
	await visitor.getByLabel('Email').fill(`nobody-${account.email}`);
	await visitor.getByRole('button', { name: 'Send reset link' }).click();
	await expect(visitor.getByText(CONFIRMATION)).toBeVisible();

	// The mail is sent by a job queued after the answer: look again until it is there.
	const mail = admin.getByTestId('outbox-message').filter({ hasText: `To ${account.email}` }).first();
	await expect(async () => {
		await admin.goto('/admin/outbox');
		await expect(mail).toContainText('Reset your oCore password', { timeout: 1_000 });
	}).toPass({ timeout: 15_000 });
	const link = (await mail.locator('pre').innerText()).match(/http:\/\/\S+\/reset-password\?token=\S+/)?.[0];
	expect(link, 'the mail holds a reset link').toBeTruthy();

	const resetter = await newDevice(browser);
	await resetter.goto(link!);
	await resetter.getByLabel('New password').fill('weak');
	await resetter.getByRole('button', { name: 'Set new password' }).click();
	await expect(resetter.getByLabel('New password')).toHaveAccessibleDescription(/at least 8 characters/);

	const newPassword = `${account.password}-new2`;
	await resetter.getByLabel('New password').fill(newPassword);
	await resetter.getByRole('button', { name: 'Set new password' }).click();
	await expect(resetter).toHaveURL(/\/login\?reset=1$/);
	await expect(resetter.getByText('Your password was changed.')).toBeVisible();

	// The link is single-use.
	await resetter.goto(link!);
	await resetter.getByLabel('New password').fill(`${newPassword}-again3`);
	await resetter.getByRole('button', { name: 'Set new password' }).click();
	await expect(resetter.getByRole('alert')).toHaveText('This reset link is invalid or has expired');

	// A reset ends every session: the user's open browser is signed out.
	await user.goto('/dashboard');
	await expect(user).toHaveURL(/\/login/);

	await fillSignIn(resetter, account);
	await expect(resetter.getByRole('alert')).toHaveText('Invalid email or password');
	await signIn(resetter, { email: account.email, password: newPassword });
});

test('the outbox is refused to anyone who is not a platform admin', async ({ browser }) => {
	// Makes sure the admin exists, so the account below is not the install's first.
	await signUpOrSignInAdmin(await newDevice(browser));

	const page = await newDevice(browser);
	await signUp(page, newAccount('notadmin'));
	await expect(page.getByRole('link', { name: 'Outbox' })).toHaveCount(0);
	const response = await page.goto('/admin/outbox');
	expect(response?.status()).toBe(403);
	await expect(page.getByRole('heading', { name: 'Access denied' })).toBeVisible();
	await expect(page.getByText('Error 403')).toBeVisible();
	await expect(page.getByText('Platform administrators only')).toBeVisible();
});
