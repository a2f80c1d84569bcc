/**
 * What every flow needs: unique accounts (the database may outlive one run when DATABASE_URL is
 * set) and the sign-up / sign-in / sign-out steps driven through the real pages.
 */
import { randomBytes } from 'node:crypto';
import { expect, type Browser, type Locator, type Page } from '@playwright/test';

/**
 * Sign-up and sign-in each run Argon2id (19 MiB, 2 passes) and the first request of a fresh server
 * also opens the database, so their redirects get more time than the default expect timeout.
 */
const AUTH_REDIRECT_TIMEOUT_MS = 15_000;

export type Account = { name: string; email: string; password: string };

export function newAccount(prefix = 'user'): Account {
	const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
	return { name: `${prefix} ${id}`, email: `${prefix}-${id}@e2e.test`, password: `Secret-${id}-1` };
}

/** ADMIN_EMAILS in playwright.config.ts makes this account a platform admin. */
export const ADMIN: Account = { name: 'E2E Admin', email: 'admin@e2e.test', password: 'admin-password-e2e-1' };

export async function signUp(page: Page, account: Account): Promise<void> {
	await page.goto('/signup');
	await page.getByLabel('Name').fill(account.name);
	await page.getByLabel('Email').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/dashboard$/, { timeout: AUTH_REDIRECT_TIMEOUT_MS });
}

export async function signIn(page: Page, account: Pick<Account, 'email' | 'password'>): Promise<void> {
	await fillSignIn(page, account);
	await expect(page).toHaveURL(/\/dashboard$/, { timeout: AUTH_REDIRECT_TIMEOUT_MS });
}

/** Submits the sign-in form without asserting the outcome (for the failure cases). */
export async function fillSignIn(page: Page, account: Pick<Account, 'email' | 'password'>): Promise<void> {
	await page.goto('/login');
	await page.getByLabel('Email').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * Sign-out lives in the account menu of the top bar, on every width; without JavaScript the menu
 * cannot open and a plain "Sign out" button stands in for it.
 */
export async function signOut(page: Page, options: { javaScript?: boolean } = {}): Promise<void> {
	if (options.javaScript === false) {
		await page.getByRole('button', { name: 'Sign out', exact: true }).click();
	} else {
		await page.getByRole('button', { name: /^Account menu/ }).click();
		await page.getByRole('menuitem', { name: 'Sign out' }).click();
	}
	await expect(page).toHaveURL(/\/login$/);
}

/** The admin account survives between runs on a kept PostgreSQL database: sign in when it exists. */
export async function signUpOrSignInAdmin(page: Page): Promise<void> {
	await page.goto('/signup');
	await page.getByLabel('Name').fill(ADMIN.name);
	await page.getByLabel('Email').fill(ADMIN.email);
	await page.getByLabel('Password').fill(ADMIN.password);
	await page.getByRole('button', { name: 'Create account' }).click();
	const exists = page.getByText('An account with this email already exists');
	await expect(page.getByRole('heading', { name: 'Your organizations' }).or(exists)).toBeVisible({ timeout: AUTH_REDIRECT_TIMEOUT_MS });
	if (await exists.isVisible()) await signIn(page, ADMIN);
}

/** A page in a fresh browser context: its own cookie jar, like a second device. */
export async function newDevice(browser: Browser): Promise<Page> {
	const context = await browser.newContext();
	return context.newPage();
}

/**
 * Clicks a destructive button inside `scope` and confirms in the dialog it opens. The dialog is
 * rendered at the end of the page (a portal), so it is found on the page, not inside `scope`.
 */
export async function confirmAction(scope: Page | Locator, label: string, confirmLabel: string): Promise<void> {
	await scope.getByRole('button', { name: label, exact: true }).click();
	const page = 'page' in scope ? scope.page() : scope;
	const dialog = page.getByRole('alertdialog');
	await expect(dialog).toBeVisible();
	await dialog.getByRole('button', { name: confirmLabel, exact: true }).click();
	await expect(dialog).toBeHidden();
}
