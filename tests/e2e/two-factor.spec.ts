/**
 * Two-factor authentication as a person uses it, in Chromium: turn it on by scanning nothing but
 * reading the key off the page (codes computed with otplib, as an authenticator app would), keep the
 * recovery codes the page shows once, sign in with a code and with a recovery code, see the count go
 * down, and turn it off. Beside each success, the refusal a person would see.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { settledStep, totpCode } from '../helpers/totp';
import { fillSignIn, newAccount, signOut, signUp, type Account } from './helpers';

const SIGN_IN_TIMEOUT_MS = 15_000;

function twoFactorCard(page: Page) {
	return page.getByRole('region', { name: 'Two-factor authentication' });
}

/** A code that is not the right one now (nor one step either side). */
async function wrongCode(secret: string): Promise<string> {
	const near = await Promise.all([-1, 0, 1].map((s) => totpCode(secret, s)));
	return ['000000', '111111', '222222', '333333'].find((c) => !near.includes(c))!;
}

test('turn on 2FA, sign in with a code and with a recovery code, then turn it off', async ({ page }) => {
	test.setTimeout(90_000);
	const account = newAccount('totp');
	await signUp(page, account);
	await page.goto('/settings/security');
	await expect(twoFactorCard(page).getByTestId('two-factor-state')).toHaveText('Off');
	await twoFactorCard(page).getByRole('link', { name: 'Enable 2FA' }).click();
	await expect(page).toHaveURL(/\/settings\/security\/two-factor$/);
	await expect(page.getByRole('img', { name: 'QR code of your two-factor key' }).locator('svg')).toBeVisible();

	const shown = (await page.locator('.manual code').textContent())!;
	expect(shown).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
	const secret = shown.replaceAll(' ', '');

	// A wrong code is refused and the same key stays on screen.
	await page.getByLabel('6-digit code').fill(await wrongCode(secret));
	await page.getByRole('button', { name: 'Turn on 2FA' }).click();
	await expect(page.getByText('That code is not right')).toBeVisible();
	expect((await page.locator('.manual code').textContent())!.replaceAll(' ', '')).toBe(secret);

	await settledStep(12);
	await page.getByLabel('6-digit code').fill(await totpCode(secret));
	await page.getByRole('button', { name: 'Turn on 2FA' }).click();
	await expect(page.getByRole('heading', { name: 'Two-factor authentication is on' })).toBeVisible();
	const codes = await page.getByTestId('recovery-codes').locator('code').allTextContents();
	expect(codes).toHaveLength(8);
	for (const code of codes) expect(code).toMatch(/^[a-z0-9]{8}$/);
	const download = page.getByRole('link', { name: 'Download' });
	await expect(download).toHaveAttribute('download', 'ocore-recovery-codes.txt');
	const file = decodeURIComponent((await download.getAttribute('href'))!.replace('data:text/plain;charset=utf-8,', ''));
	for (const code of codes) expect(file).toContain(code);
	await expect(page.getByRole('button', { name: 'Sign out all other sessions' })).toBeVisible();

	await page.getByRole('link', { name: 'Done' }).click();
	await expect(twoFactorCard(page).getByTestId('two-factor-state')).toContainText('On since');
	await expect(twoFactorCard(page).getByTestId('two-factor-state')).toContainText('8 of 8 recovery codes left');
	await signOut(page);

	// The password alone no longer signs in: the second step asks for a code.
	await fillSignIn(page, account);
	await expect(page).toHaveURL(/\/login\/two-factor/, { timeout: SIGN_IN_TIMEOUT_MS });
	const codeField = page.getByLabel('Authentication code');
	await expect(codeField).toBeFocused();
	await expect(codeField).toHaveAttribute('autocomplete', 'one-time-code');
	await expect(codeField).toHaveAttribute('inputmode', 'numeric');
	await codeField.fill(await wrongCode(secret));
	await page.getByRole('button', { name: 'Verify' }).click();
	await expect(page.getByText('That code is not right. 4 tries left.')).toBeVisible();
	// The code of the step after the one that turned 2FA on (one step of drift is allowed).
	await page.getByLabel('Authentication code').fill(await totpCode(secret, 1));
	await page.getByRole('button', { name: 'Verify' }).click();
	await expect(page).toHaveURL(/\/dashboard$/, { timeout: SIGN_IN_TIMEOUT_MS });
	await signOut(page);

	await fillSignIn(page, account);
	await expect(page).toHaveURL(/\/login\/two-factor/, { timeout: SIGN_IN_TIMEOUT_MS });
	await page.getByRole('link', { name: 'Use a recovery code instead' }).click();
	await page.getByLabel('Recovery code').fill(codes[0]!.toUpperCase());
	await page.getByRole('button', { name: 'Verify' }).click();
	await expect(page).toHaveURL(/\/dashboard$/, { timeout: SIGN_IN_TIMEOUT_MS });
	await page.goto('/settings/security');
	await expect(twoFactorCard(page).getByTestId('two-factor-state')).toContainText('7 of 8 recovery codes left');

	// Turning it off asks for the password and a code (here another recovery code).
	await twoFactorCard(page).getByRole('button', { name: 'Disable' }).click();
	const dialog = page.getByRole('alertdialog');
	await dialog.getByLabel('Password').fill(account.password);
	await dialog.getByLabel('Code from your app, or a recovery code').fill(codes[1]!);
	await dialog.getByRole('button', { name: 'Turn off 2FA' }).click();
	await expect(twoFactorCard(page).getByTestId('two-factor-state')).toHaveText('Off');
	await expect(twoFactorCard(page).getByText('Two-factor authentication is off.')).toBeVisible();
	await expect(twoFactorCard(page).getByRole('button', { name: 'Sign out all other sessions' })).toBeVisible();
	await signOut(page);
	await fillSignIn(page, account);
	await expect(page).toHaveURL(/\/dashboard$/, { timeout: SIGN_IN_TIMEOUT_MS });
});

/** An account with 2FA on, made through the REST API; returns its key and recovery codes. */
async function accountWithTwoFactor(request: APIRequestContext): Promise<Account & { secret: string; codes: string[] }> {
	const account = newAccount('totp-api');
	expect((await request.post('/api/auth/signup', { data: account })).status()).toBe(201);
	const { accessToken } = await (await request.post('/api/auth/login', { data: { email: account.email, password: account.password } })).json();
	const headers = { authorization: `Bearer ${accessToken}` };
	const { secret } = await (await request.post('/api/user/2fa/setup', { headers })).json();
	await settledStep(12);
	const enabled = await request.post('/api/user/2fa/enable', { headers, data: { code: await totpCode(secret, -1) } });
	expect(enabled.status()).toBe(200);
	return { ...account, secret, codes: (await enabled.json()).recoveryCodes };
}

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the second step works as a plain form, and a used recovery code is refused', async ({ page, request }) => {
		const account = await accountWithTwoFactor(request);
		await fillSignIn(page, account);
		await expect(page).toHaveURL(/\/login\/two-factor/, { timeout: SIGN_IN_TIMEOUT_MS });
		await page.getByRole('link', { name: 'Use a recovery code instead' }).click();
		await page.getByLabel('Recovery code').fill(account.codes[0]!);
		await page.getByRole('button', { name: 'Verify' }).click();
		await expect(page).toHaveURL(/\/dashboard$/, { timeout: SIGN_IN_TIMEOUT_MS });
		await signOut(page, { javaScript: false });

		await fillSignIn(page, account);
		await expect(page).toHaveURL(/\/login\/two-factor/, { timeout: SIGN_IN_TIMEOUT_MS });
		await page.getByRole('link', { name: 'Use a recovery code instead' }).click();
		await page.getByLabel('Recovery code').fill(account.codes[0]!);
		await page.getByRole('button', { name: 'Verify' }).click();
		await expect(page.getByText('That recovery code is not right or was already used. 4 tries left.')).toBeVisible();
		await page.getByRole('link', { name: 'Use your authenticator app instead' }).click();
		await page.getByLabel('Authentication code').fill(await totpCode(account.secret));
		await page.getByRole('button', { name: 'Verify' }).click();
		await expect(page).toHaveURL(/\/dashboard$/, { timeout: SIGN_IN_TIMEOUT_MS });
	});

	test('without the sign-in cookie, the second step sends back to sign in, saying why', async ({ page }) => {
		await page.goto('/login/two-factor?redirectTo=%2Fsettings%2Fsecurity');
		await expect(page).toHaveURL(/\/login\?twoFactor=expired&redirectTo=%2Fsettings%2Fsecurity$/);
		await expect(page.getByText('Your sign-in expired or was already used.')).toBeVisible();
	});
});

test('five wrong codes end the attempt and send back to the password', async ({ page, request }) => {
	const account = await accountWithTwoFactor(request);
	await fillSignIn(page, account);
	await expect(page).toHaveURL(/\/login\/two-factor/, { timeout: SIGN_IN_TIMEOUT_MS });
	const wrong = await wrongCode(account.secret);
	for (const left of ['4 tries', '3 tries', '2 tries', '1 try']) {
		await page.getByLabel('Authentication code').fill(wrong);
		await page.getByRole('button', { name: 'Verify' }).click();
		await expect(page.getByText(`${left} left.`)).toBeVisible();
	}
	await page.getByLabel('Authentication code').fill(wrong);
	await page.getByRole('button', { name: 'Verify' }).click();
	await expect(page).toHaveURL(/\/login\?twoFactor=attempts/);
	await expect(page.getByText('Too many wrong codes. Sign in again with your email and password.')).toBeVisible();
});

test('Confirm access takes the password and goes back where it was asked from', async ({ page }) => {
	const account = newAccount('sudo');
	await signUp(page, account);
	await page.goto('/settings/security/confirm?redirectTo=%2Fsettings%2Fsessions');
	await expect(page.getByRole('heading', { name: 'Confirm access' })).toBeVisible();
	// Without 2FA on, only the password is offered.
	await expect(page.getByRole('heading', { name: 'With a two-factor code' })).toHaveCount(0);
	await page.getByLabel('Password', { exact: true }).fill('not the password 1');
	await page.getByRole('button', { name: 'Confirm' }).click();
	await expect(page.getByText('Current password is incorrect')).toBeVisible();
	await page.getByLabel('Password', { exact: true }).fill(account.password);
	await page.getByRole('button', { name: 'Confirm' }).click();
	await expect(page).toHaveURL(/\/settings\/sessions$/);
	// An address off this site is never followed.
	await page.goto('/settings/security/confirm?redirectTo=https%3A%2F%2Fevil.example%2F');
	await page.getByLabel('Password', { exact: true }).fill(account.password);
	await page.getByRole('button', { name: 'Confirm' }).click();
	await expect(page).toHaveURL(/\/settings\/security$/);
});
