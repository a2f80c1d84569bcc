/**
 * Passkeys in real Chromium with its CDP virtual authenticator (a platform authenticator with
 * resident keys and user verification): register one from the Security page and name it, sign out,
 * sign in with "Sign in with a passkey" without typing a password; then remove it, and that passkey
 * is refused.
 *
 * Browsers refuse WebAuthn on an IP address (the RP ID must be a domain), and the suite's server runs
 * at http://127.0.0.1, so this spec starts its own built server with APP_URL http://localhost:<free
 * port> (the same way the REST and SSH suites start theirs).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { freePort, startOcoreProcess, type OcoreProcess } from '../helpers/ocore-process';
import { settledStep, totpCode } from '../helpers/totp';
import { newAccount, signOut, signUp } from './helpers';

let server: OcoreProcess;
let origin: string;

test.beforeAll(async () => {
	test.setTimeout(180_000);
	const port = await freePort();
	origin = `http://localhost:${port}`;
	server = await startOcoreProcess({ APP_URL: origin, SSH_PORT: '0' }, { httpPort: port, sshPort: 0 });
});
test.afterAll(async () => server?.stop());

/** A browser context at this spec's server, with a virtual platform authenticator on its page. */
async function deviceWithAuthenticator(context: BrowserContext): Promise<Page> {
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	await cdp.send('WebAuthn.enable');
	// A browser without passkey autofill, while localStorage says so: then only the button can sign in.
	await page.addInitScript(() => {
		if (localStorage.getItem('e2e-autofill') === 'off') {
			Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: async () => false });
		}
	});
	await cdp.send('WebAuthn.addVirtualAuthenticator', {
		options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
			// A synced passkey (backed up, as iCloud Keychain or Google Password Manager make them).
			defaultBackupEligibility: true, defaultBackupState: true }
	});
	return page;
}

async function seriousAxeViolations(page: Page): Promise<string[]> {
	const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	return axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

test('register a passkey, sign in with it without a password, remove it, then it is refused', async ({ browser }, testInfo) => {
	test.setTimeout(120_000);
	const context = await browser.newContext({ baseURL: origin });
	const page = await deviceWithAuthenticator(context);
	const account = newAccount('passkey');

	await signUp(page, account);

	await page.goto('/settings/security');
	const card = page.getByTestId('passkeys-card');
	await expect(card.getByTestId('passkey-count')).toHaveText('0 passkeys');
	await expect(card.getByText('No passkey yet.')).toBeVisible();
	await card.getByRole('button', { name: 'Register passkey' }).click();
	const name = card.getByLabel('Name of the passkey');
	await expect(name).toBeFocused();
	await expect(name).toHaveAttribute('placeholder', 'MacBook Touch ID');
	// A name is required.
	await card.getByRole('button', { name: 'Save passkey' }).click();
	await expect(name).toBeFocused();
	await name.fill('E2E laptop');
	await card.getByRole('button', { name: 'Save passkey' }).click();
	await expect(card.getByText('Passkey "E2E laptop" added. You can now sign in with it.')).toBeVisible();
	await expect(card.getByTestId('passkey-count')).toHaveText('1 passkey');
	const row = card.getByTestId('passkey-row');
	await expect(row).toHaveCount(1);
	await expect(row).toContainText('E2E laptop');
	await expect(row).toContainText('Never used');
	await expect(row.getByText('Synced', { exact: true })).toBeVisible();
	await expect(card.getByRole('button', { name: 'Sign out all other sessions' })).toBeVisible();
	expect(await seriousAxeViolations(page)).toEqual([]);
	for (const width of [1280, 390]) {
		await page.setViewportSize({ width, height: 900 });
		await card.screenshot({ path: testInfo.outputPath(`passkeys-card-${width}.png`) });
	}
	await page.setViewportSize({ width: 1280, height: 900 });

	// Rename in place.
	await row.getByRole('button', { name: 'Rename E2E laptop' }).click();
	const rename = row.getByLabel('Name of the passkey');
	await expect(rename).toBeFocused();
	await rename.fill('Work laptop');
	await row.getByRole('button', { name: 'Save' }).click();
	await expect(card.getByText('Passkey renamed to "Work laptop".')).toBeVisible();
	await expect(row).toContainText('Work laptop');
	await expect(row.getByRole('button', { name: 'Rename Work laptop' })).toBeFocused();

	await page.evaluate(() => localStorage.setItem('e2e-autofill', 'off'));
	await signOut(page);
	for (const width of [1280, 390]) {
		await page.setViewportSize({ width, height: 900 });
		await page.screenshot({ path: testInfo.outputPath(`login-${width}.png`), fullPage: true });
	}
	await page.setViewportSize({ width: 1280, height: 900 });
	await expect(page.getByLabel('Email')).toHaveAttribute('autocomplete', 'username webauthn');
	await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
	await expect(page).toHaveURL(/\/dashboard$/, { timeout: 15_000 });
	await expect(page.getByRole('button', { name: `Account menu for ${account.name}` })).toBeVisible();
	await expect(page.getByLabel('Password')).toHaveCount(0);

	// With autofill (the virtual authenticator stands in for picking the passkey in the email
	// field's suggestions), opening the sign-in page is enough.
	await page.evaluate(() => localStorage.removeItem('e2e-autofill'));
	await page.getByRole('button', { name: /^Account menu/ }).click();
	await page.getByRole('menuitem', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/dashboard$/, { timeout: 15_000 });

	await page.goto('/settings/security');
	await expect(row).toContainText('Last used');
	await row.getByRole('button', { name: 'Remove', exact: true }).click();
	const dialog = page.getByRole('alertdialog');
	await expect(dialog).toContainText('Remove the passkey "Work laptop"?');
	await dialog.getByRole('button', { name: 'Remove passkey', exact: true }).click();
	await expect(card.getByText('Passkey "Work laptop" removed. It can no longer sign in to your account.')).toBeVisible();
	await expect(card.getByTestId('passkey-count')).toHaveText('0 passkeys');
	await expect(card.getByRole('button', { name: 'Sign out all other sessions' })).toBeVisible();

	// The authenticator still holds the credential; the server no longer knows it.
	await page.evaluate(() => localStorage.setItem('e2e-autofill', 'off'));
	await signOut(page);
	await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
	const refused = page.getByText('This passkey was not recognised. Use another passkey or sign in with your password.');
	await expect(refused).toBeVisible();
	await expect(page).toHaveURL(/\/login$/);
	// Through autofill too.
	await page.evaluate(() => localStorage.removeItem('e2e-autofill'));
	await page.reload();
	await expect(refused).toBeVisible();
	await expect(page).toHaveURL(/\/login$/);
	await context.close();
});

test('a passkey answers the 2FA step of a password sign-in, and confirms access', async ({ browser }) => {
	test.setTimeout(120_000);
	const context = await browser.newContext({ baseURL: origin });
	const page = await deviceWithAuthenticator(context);
	const account = newAccount('passkey-2fa');
	await signUp(page, account);

	await page.goto('/settings/security');
	const card = page.getByTestId('passkeys-card');
	await card.getByRole('button', { name: 'Register passkey' }).click();
	await card.getByLabel('Name of the passkey').fill('E2E laptop');
	await card.getByRole('button', { name: 'Save passkey' }).click();
	await expect(card.getByTestId('passkey-count')).toHaveText('1 passkey');

	await page.getByRole('region', { name: 'Two-factor authentication' }).getByRole('link', { name: 'Enable 2FA' }).click();
	const secret = (await page.locator('.manual code').textContent())!.replaceAll(' ', '');
	await settledStep();
	await page.getByLabel('6-digit code').fill(await totpCode(secret));
	await page.getByRole('button', { name: 'Turn on 2FA' }).click();
	await expect(page.getByRole('heading', { name: 'Two-factor authentication is on' })).toBeVisible();

	// The password alone no longer signs in; the second step offers the passkey beside the code.
	await page.evaluate(() => localStorage.setItem('e2e-autofill', 'off'));
	await signOut(page);
	await page.getByLabel('Email').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	await expect(page).toHaveURL(/\/login\/two-factor/, { timeout: 15_000 });
	await expect(page.getByLabel('Authentication code')).toBeVisible();
	await page.getByRole('button', { name: 'Use a passkey' }).click();
	await expect(page).toHaveURL(/\/dashboard$/, { timeout: 15_000 });

	await page.goto('/settings/sessions');
	await expect(page.getByText('Password + passkey').first()).toBeVisible();

	// Confirm access offers the passkey too, and comes back where it was sent from.
	await page.goto('/settings/security/confirm?redirectTo=/settings/security');
	const passkeyOption = page.getByRole('region', { name: 'With a passkey' });
	await passkeyOption.getByRole('button', { name: 'Use a passkey' }).click();
	await expect(page).toHaveURL(/\/settings\/security$/, { timeout: 15_000 });
	await context.close();
});
