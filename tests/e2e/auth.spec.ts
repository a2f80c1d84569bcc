import { expect, test } from '@playwright/test';
import { fillSignIn, newAccount, signIn, signOut, signUp } from './helpers';

test('a wrong password shows the error and stays on /login', async ({ page }) => {
	const account = newAccount('wrongpw');
	await signUp(page, account);
	await signOut(page);

	await fillSignIn(page, { email: account.email, password: 'not-the-password-1' });
	await expect(page.getByRole('alert')).toHaveText('Invalid email or password');
	await expect(page).toHaveURL(/\/login$/);
	// The email is kept for the next try; the password never comes back from the server.
	await expect(page.getByLabel('Email')).toHaveValue(account.email);
	await expect(page.getByLabel('Password')).toHaveValue('');

	// An unknown email gets the very same answer (no account enumeration).
	await fillSignIn(page, { email: `nobody-${account.email}`, password: 'not-the-password-1' });
	await expect(page.getByRole('alert')).toHaveText('Invalid email or password');

	await signIn(page, account);
	await expect(page.getByRole('button', { name: `Account menu for ${account.name}` })).toBeVisible();
});

test('sign-up shows a weak-password error next to the password field', async ({ page }) => {
	const account = newAccount('weak');
	await page.goto('/signup');
	await page.getByLabel('Name').fill(account.name);
	await page.getByLabel('Email').fill(account.email);
	await page.getByLabel('Password').fill('onlyletters');
	await page.getByRole('button', { name: 'Create account' }).click();

	const password = page.getByLabel('Password');
	await expect(password).toHaveAttribute('aria-invalid', 'true');
	await expect(password).toHaveAccessibleDescription(/Password must contain at least one number/);
	await expect(page.locator('#field-password-error')).toHaveText('Password must contain at least one number');
	await expect(page.getByLabel('Email')).not.toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByLabel('Email')).toHaveValue(account.email);
	await expect(page).toHaveURL(/\/signup$/);

	// Fixing the password creates the account and signs in.
	await password.fill(account.password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/dashboard$/);
});

test('signed-out visitors are sent to /login and come back after signing in', async ({ page }) => {
	const account = newAccount('redirect');
	await signUp(page, account);
	await signOut(page);

	await page.goto('/settings/security');
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings%2Fsecurity$/);
	await page.getByLabel('Email').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	await expect(page).toHaveURL(/\/settings\/security$/);

	// An off-site redirectTo is ignored.
	await signOut(page);
	await page.goto('/login?redirectTo=//evil.example/x');
	await page.getByLabel('Email').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/dashboard$/);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('sign-up, a failed sign-in, sign-in and revoking a session all work as plain forms', async ({ page, browser }) => {
		const account = newAccount('nojs');
		await signUp(page, account);
		await signOut(page, { javaScript: false });

		await fillSignIn(page, { email: account.email, password: 'wrong-password-1' });
		await expect(page.getByRole('alert')).toHaveText('Invalid email or password');
		await signIn(page, account);

		const other = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
		await signIn(other, account);

		await page.goto('/settings/sessions');
		const row = page.getByTestId('session-row').filter({ hasNotText: 'This device' });
		await row.locator('summary', { hasText: 'Revoke' }).click();
		await row.getByRole('button', { name: 'Yes, revoke' }).click();
		await expect(page.getByText('The session was signed out.')).toBeVisible();
		await expect(page.getByTestId('session-row')).toHaveCount(1);

		await other.goto('/settings/sessions');
		await expect(other).toHaveURL(/\/login/);
	});
});

test('what is typed before the page script has loaded is kept when it loads', async ({ page }) => {
	// Holds the app's JavaScript back, as a slow connection would, until the user has typed.
	let releaseScripts!: () => void;
	const scriptsHeld = new Promise<void>((resolve) => (releaseScripts = resolve));
	await page.route('**/_app/immutable/**', async (route) => {
		await scriptsHeld;
		await route.continue();
	});
	await page.goto('/login', { waitUntil: 'commit' });
	await page.getByLabel('Email').fill('early@e2e.test');
	await page.getByLabel('Password').fill('early-password-1');
	releaseScripts();
	await page.waitForLoadState('networkidle');
	await expect(page.getByLabel('Email')).toHaveValue('early@e2e.test');
	await expect(page.getByLabel('Password')).toHaveValue('early-password-1');
});
