/**
 * Every page, as a person sees it at a desktop width and at phone widths (390 px, and 360 px for the
 * width check): nothing wider than the screen (document.scrollWidth <= innerWidth), no serious or
 * critical accessibility violation (axe-core, WCAG 2.1 A and AA rules), and a full-page screenshot
 * kept as a test artifact (test-results/, attached to the report) so a reviewer can look at every
 * page without running it.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { ensureTestImage, removeTestContainers, requireDocker, startTestContainer } from '../helpers/docker';
import { settledStep, totpCode } from '../helpers/totp';
import { newAccount, newDevice, signIn, signUp, signUpOrSignInAdmin } from './helpers';
import { api, createOrgFromDashboard } from './org-helpers';

const WIDTHS = [1280, 390] as const;

const SIGNED_OUT_PAGES = [
	'/login',
	'/signup',
	'/forgot-password',
	'/reset-password?token=not-a-real-token',
	'/confirm-email?token=not-a-real-token',
	'/account-deleted',
	'/wrong-address?to=%2Flogin'
];

function signedInPages(orgSlug: string): string[] {
	return [
		'/dashboard',
		'/invitations',
		'/settings/profile',
		'/settings/security',
		'/settings/security/two-factor',
		'/settings/security/confirm?redirectTo=%2Fsettings%2Fsecurity',
		'/settings/sessions',
		'/settings/ssh-keys',
		'/settings/security-log',
		`/orgs/${orgSlug}`,
		`/orgs/${orgSlug}/roles`,
		`/orgs/${orgSlug}/instances`,
		`/orgs/${orgSlug}/servers`,
		`/orgs/${orgSlug}/projects`,
		`/orgs/${orgSlug}/sessions`,
		`/orgs/${orgSlug}/audit`,
		`/orgs/${orgSlug}/settings`,
		'/logout',
		'/no-such-page'
	];
}

async function inspect(page: Page, path: string, width: number, testInfo: TestInfo): Promise<string[]> {
	await page.setViewportSize({ width, height: 900 });
	await page.goto(path);
	await page.waitForLoadState('networkidle');
	const problems: string[] = [];

	const { scrollWidth, innerWidth } = await page.evaluate(() => ({
		scrollWidth: document.documentElement.scrollWidth,
		innerWidth: window.innerWidth
	}));
	if (scrollWidth > innerWidth) problems.push(`${path} at ${width} px is ${scrollWidth} px wide`);
	// A section's tabs scroll sideways on a phone: the current one must be on screen, not scrolled away.
	const currentTab = await page.evaluate(() => {
		const link = document.querySelector('.sidebar-nav [aria-current="page"]');
		if (!link) return null;
		const box = link.getBoundingClientRect();
		return { left: box.left, right: box.right, text: link.textContent?.trim() };
	});
	if (currentTab && (currentTab.left < 0 || currentTab.right > innerWidth)) {
		problems.push(`${path} at ${width} px: the current section "${currentTab.text}" is off screen (${Math.round(currentTab.left)}-${Math.round(currentTab.right)} px)`);
	}
	if (width === 390) {
		// The narrowest phones in use: the same page must still fit at 360 px.
		await page.setViewportSize({ width: 360, height: 900 });
		const at360 = await page.evaluate(() => document.documentElement.scrollWidth);
		if (at360 > 360) problems.push(`${path} at 360 px is ${at360} px wide`);
		await page.setViewportSize({ width, height: 900 });
	}

	const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	for (const violation of axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
		const where = violation.nodes.map((node) => node.target.join(' ')).slice(0, 3).join(', ');
		problems.push(`${path} at ${width} px: ${violation.id} (${violation.impact}): ${violation.help} at ${where}`);
	}

	const name = `${path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home'}-${width}.png`;
	const file = testInfo.outputPath(name);
	await page.screenshot({ path: file, fullPage: true });
	await testInfo.attach(name, { path: file, contentType: 'image/png' });
	return problems;
}

test('signed-out pages fit a phone and pass the accessibility scan', async ({ page }, testInfo) => {
	const problems: string[] = [];
	for (const width of WIDTHS) for (const path of SIGNED_OUT_PAGES) problems.push(...(await inspect(page, path, width, testInfo)));
	expect(problems).toEqual([]);
});

test('every signed-in page fits a phone and passes the accessibility scan', async ({ browser }, testInfo) => {
	test.setTimeout(180_000);
	const owner = newAccount('pages');
	const page = await newDevice(browser);
	await signUp(page, owner);
	const slug = `pages-${Date.now().toString(36)}`;
	await page.getByLabel('Name').fill('Pages Test Hosting');
	await page.getByLabel('Slug').fill(slug);
	await page.getByRole('button', { name: 'Create organization' }).click();
	await expect(page).toHaveURL(new RegExp(`/orgs/${slug}$`));

	const problems: string[] = [];
	for (const width of WIDTHS) for (const path of signedInPages(slug)) problems.push(...(await inspect(page, path, width, testInfo)));
	expect(problems).toEqual([]);
});

test('the 2FA pages fit a phone and pass the accessibility scan: the second sign-in step, and Security with 2FA on', async ({ browser }, testInfo) => {
	test.setTimeout(120_000);
	const account = newAccount('pages-2fa');
	const page = await newDevice(browser);
	await signUp(page, account);
	await page.goto('/settings/security/two-factor');
	const secret = (await page.locator('.manual code').textContent())!.replaceAll(' ', '');
	await settledStep(12);
	await page.getByLabel('6-digit code').fill(await totpCode(secret));
	await page.getByRole('button', { name: 'Turn on 2FA' }).click();
	await expect(page.getByRole('heading', { name: 'Two-factor authentication is on' })).toBeVisible();
	const problems: string[] = [];
	for (const path of ['/settings/security', '/settings/security/two-factor', '/settings/security/confirm?redirectTo=%2Fsettings%2Fsecurity']) {
		for (const width of WIDTHS) problems.push(...(await inspect(page, path, width, testInfo)));
	}

	// The second step of sign-in, in a browser holding the sign-in cookie the login page sets.
	const signedOut = await newDevice(browser);
	await signedOut.context().addCookies([{ name: 'ocore_mfa', value: 'pages.check', url: testInfo.project.use.baseURL! }]);
	for (const path of ['/login/two-factor', '/login/two-factor?recovery']) {
		for (const width of WIDTHS) problems.push(...(await inspect(signedOut, path, width, testInfo)));
	}
	expect(problems).toEqual([]);
});

test('the admin outbox fits a phone and passes the accessibility scan', async ({ browser }, testInfo) => {
	const page = await newDevice(browser);
	await signUpOrSignInAdmin(page);
	const problems: string[] = [];
	for (const width of WIDTHS) problems.push(...(await inspect(page, '/admin/outbox', width, testInfo)));
	expect(problems).toEqual([]);
});

test('the Servers, Instances and instance pages with a real server and instance fit a phone and pass the accessibility scan', async ({ browser }, testInfo) => {
	test.setTimeout(10 * 60_000);
	test.skip(!(await requireDocker('e2e instance pages')), 'no Docker engine');
	await ensureTestImage();
	const page = await newDevice(browser);
	await signUpOrSignInAdmin(page);
	const org = await createOrgFromDashboard(page, 'Pages Instances');
	const server = await api(page, 'POST', '/api/servers', { orgId: org.id, name: 'local', kind: 'socket', endpoint: '/var/run/docker.sock' });
	expect(server.status, JSON.stringify(server.body)).toBe(201);
	try {
		const container = await startTestContainer('e2e-pages-instance', { org: org.id });
		const slug = `${org.slug}-shop`.slice(0, 63);
		const created = await api(page, 'POST', '/api/instances', {
			orgId: org.id,
			serverId: server.body.id,
			slug,
			name: 'Pages shop',
			container: container.name,
			project: 'webshop',
			environment: 'staging'
		});
		expect(created.status, JSON.stringify(created.body)).toBe(201);
		const problems: string[] = [];
		for (const path of [`/orgs/${org.slug}/servers`, `/orgs/${org.slug}/instances`, `/orgs/${org.slug}/instances/${slug}`, `/orgs/${org.slug}/projects`]) {
			for (const width of WIDTHS) problems.push(...(await inspect(page, path, width, testInfo)));
		}
		expect(problems).toEqual([]);
	} finally {
		await removeTestContainers();
	}
});

test('a confirmation dialog is used by keyboard alone: focus is trapped, Escape cancels, Enter on the action confirms', async ({ browser }) => {
	const owner = newAccount('keys');
	const page = await newDevice(browser);
	await signUp(page, owner);
	await page.goto('/settings/sessions');
	// A second device gives "Sign out all other sessions" something to do.
	const other = await newDevice(browser);
	await signIn(other, owner);
	await page.reload();

	const trigger = page.getByRole('button', { name: 'Sign out all other sessions' });
	await trigger.focus();
	await page.keyboard.press('Enter');
	const dialog = page.getByRole('alertdialog');
	await expect(dialog).toBeVisible();
	await expect(dialog).toHaveAccessibleName(/Sign out all other sessions/);
	// Focus starts on Cancel, never on the destructive button.
	await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();

	// Tab cycles inside the dialog only.
	for (let i = 0; i < 4; i++) {
		await page.keyboard.press('Tab');
		expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
	}

	// Escape closes it, nothing happens, and focus returns to the button that opened it.
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(trigger).toBeFocused();
	await expect(page.getByTestId('session-row')).toHaveCount(2);

	// Open again and confirm with the keyboard.
	await page.keyboard.press('Enter');
	await expect(dialog).toBeVisible();
	await dialog.getByRole('button', { name: 'Yes, sign them out' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('session-row')).toHaveCount(1);
});
