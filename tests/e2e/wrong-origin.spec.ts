/**
 * A person who opens oCore at another address than APP_URL. The test server's APP_URL is
 * http://127.0.0.1:<port> (playwright.config.ts); http://localhost:<port> reaches the same server
 * under another origin, as 127.0.0.1 does when APP_URL says localhost, or a VM's IP does.
 */
import { expect, test, type Page } from '@playwright/test';
import { newAccount, signOut, signUp } from './helpers';

const AUTH_REDIRECT_TIMEOUT_MS = 15_000;

function wrongOrigin(baseURL: string | undefined): string {
	const url = new URL(baseURL!);
	url.hostname = 'localhost';
	return url.origin;
}

async function fillAndSubmit(page: Page, account: { email: string; password: string }) {
	await page.getByLabel('Email').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function expectNoSidewaysScroll(page: Page) {
	expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
}

test('signing in at another address warns first, then explains where the server is, with a link that works', async ({ page, baseURL }, testInfo) => {
	const appOrigin = new URL(baseURL!).origin;
	const elsewhere = wrongOrigin(baseURL);
	const account = newAccount('wrongorigin');
	await signUp(page, account);
	await signOut(page);

	await page.goto(`${elsewhere}/login`);
	// Before the password is typed: the notice names both addresses and links to this page at APP_URL.
	const notice = page.getByRole('alert').filter({ hasText: "This server's address is" });
	await expect(notice).toContainText(`This server's address is ${appOrigin}, not ${elsewhere}`);
	await expect(notice.getByRole('link', { name: `Open this page at ${appOrigin}` })).toHaveAttribute('href', `${appOrigin}/login`);

	await fillAndSubmit(page, account);
	await expect(page).toHaveURL(`${elsewhere}/wrong-address?to=%2Flogin`);
	await expect(page.getByRole('heading', { name: 'Open oCore at its own address' })).toBeVisible();
	await expect(page.getByRole('alert')).toHaveText(`This server's address is ${appOrigin}. Open it there, or set APP_URL.`);
	await expect(page.getByText(`You are at ${elsewhere}.`)).toBeVisible();
	await page.setViewportSize({ width: 390, height: 844 });
	await expectNoSidewaysScroll(page);
	await testInfo.attach('wrong-address-390', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });

	await page.getByRole('link', { name: `Open ${appOrigin}/login` }).click();
	await expect(page).toHaveURL(`${appOrigin}/login`);
	await fillAndSubmit(page, account);
	await expect(page).toHaveURL(`${appOrigin}/dashboard`, { timeout: AUTH_REDIRECT_TIMEOUT_MS });
});

test('without JavaScript the refused sign-in is answered with the same page, status 403', async ({ browser, baseURL }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	const appOrigin = new URL(baseURL!).origin;
	await page.goto(`${wrongOrigin(baseURL)}/login`);
	const answer = page.waitForResponse((res) => res.request().method() === 'POST');
	await fillAndSubmit(page, newAccount('nojs'));
	expect((await answer).status()).toBe(403);
	await expect(page.getByRole('alert')).toHaveText(`This server's address is ${appOrigin}. Open it there, or set APP_URL.`);
	await expect(page.getByRole('link', { name: `Open ${appOrigin}/login` })).toHaveAttribute('href', `${appOrigin}/login`);
	await context.close();
});
