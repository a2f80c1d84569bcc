/**
 * An org that requires 2FA, through the pages: an owner with 2FA turns the requirement on from the
 * org's Settings (a dialog names how many members it locks out), sees who has 2FA on the Members page
 * and resets a member's 2FA from its row menu; a member without 2FA is sent from the org's pages to
 * Settings > Security, where a notice names the org and offers to leave it; the sessions page says how
 * each session signed in. Each state is checked at 1280 and 390 px (no sideways scroll, axe-core) and
 * screenshotted.
 * The server is this spec's own (tests/helpers/seedable-server.ts, on free ports). 2FA is turned on the
 * way a user does it over the API (setup, then a code computed with otplib), and the owner signs in
 * through the real second step.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { settledStep, totpCode } from '../helpers/totp';
import { startSeedableServer, type SeedableServer } from '../helpers/seedable-server';
import { restClient, type Person } from './audit-fixture';
import { fillSignIn, newAccount, signIn } from './helpers';
import { newOrgName } from './org-helpers';

let srv: SeedableServer;
let owner: Person, member: Person, secured: Person;
const org = newOrgName('Two Factor Co');
let orgId: string;
let ownerSecret: string;

test.beforeAll(async () => {
	test.setTimeout(240_000);
	srv = await startSeedableServer();
	const rest = restClient(srv.server.baseUrl);
	[owner, member, secured] = [await rest.person(newAccount('owner')), await rest.person(newAccount('member')), await rest.person(newAccount('secured'))];
	orgId = (await rest.ok('POST', '/api/orgs', owner.token, { name: org.name, slug: org.slug }, 201, 'create org')).id;
	for (const [who, role] of [[member, 'Developer'], [secured, 'Developer']] as const) {
		const { invitation } = await rest.ok('POST', `/api/orgs/${orgId}/members`, owner.token, { email: who.email, role }, 201, 'invite');
		await rest.ok('POST', `/api/user/invitations/${invitation.id}/accept`, who.token, undefined, 200, 'accept');
	}
	ownerSecret = await turnOnTwoFactor(rest, owner);
	await turnOnTwoFactor(rest, secured);
});

/** Enable 2FA as a user would over the API; returns the key for later codes. */
async function turnOnTwoFactor(rest: ReturnType<typeof restClient>, who: Person): Promise<string> {
	await settledStep();
	const { secret } = await rest.ok('POST', '/api/user/2fa/setup', who.token, undefined, 200, '2fa setup');
	await rest.ok('POST', '/api/user/2fa/enable', who.token, { code: await totpCode(secret, -1) }, 200, '2fa enable');
	return secret;
}
test.afterAll(() => srv?.stop());

async function device(browser: Browser): Promise<Page> {
	return (await browser.newContext({ baseURL: srv.server.baseUrl })).newPage();
}

/** No sideways scroll and no serious axe-core finding at 1280 and 390 px; a screenshot of each. */
async function lookAt(page: Page, name: string, testInfo: TestInfo) {
	for (const width of [1280, 390]) {
		await page.setViewportSize({ width, height: 900 });
		expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${width} px`).toBeLessThanOrEqual(width);
		const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
		expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
		const file = testInfo.outputPath(`${name}-${width}.png`);
		await page.screenshot({ path: file, fullPage: true });
		await testInfo.attach(`${name}-${width}.png`, { path: file, contentType: 'image/png' });
	}
	await page.setViewportSize({ width: 1280, height: 900 });
}

test('an owner requires 2FA; a member without it is sent to Security with the org named, and may leave', async ({ browser }, testInfo) => {
	test.setTimeout(120_000);
	const ownerPage = await device(browser);
	await fillSignIn(ownerPage, owner);
	await expect(ownerPage).toHaveURL(/\/login\/two-factor/);
	await settledStep();
	await ownerPage.getByLabel('Authentication code').fill(await totpCode(ownerSecret, 1));
	await ownerPage.getByRole('button', { name: 'Verify' }).click();
	await expect(ownerPage).toHaveURL(/\/dashboard$/, { timeout: 15_000 });

	// Settings: the state, who it would lock out, and a dialog before turning it on.
	await ownerPage.goto(`/orgs/${org.slug}/settings`);
	const card = ownerPage.getByTestId('require-two-factor');
	await expect(card.getByText('Not required')).toBeVisible();
	await expect(card.getByTestId('members-without-two-factor')).toHaveText("1 member doesn't have 2FA yet.");
	await card.getByRole('button', { name: 'Require 2FA' }).click();
	const dialog = ownerPage.getByRole('alertdialog', { name: 'Require two-factor authentication' });
	await expect(dialog).toContainText(`Require two-factor authentication in ${org.name}? 1 member doesn't have it on yet`);
	await dialog.getByRole('button', { name: 'Require 2FA' }).click();
	await expect(ownerPage.getByText(`${org.name} now requires two-factor authentication.`)).toBeVisible();
	await expect(card.getByText('Required', { exact: true })).toBeVisible();
	await expect(card.getByRole('button', { name: 'Stop requiring 2FA' })).toBeVisible();
	await lookAt(ownerPage, 'org-settings-two-factor', testInfo);

	// Members: the requirement at the top, a 2FA badge per member, and Reset 2FA for one who has it.
	await ownerPage.goto(`/orgs/${org.slug}`);
	await expect(ownerPage.getByTestId('requires-two-factor')).toContainText(`${org.name} requires two-factor authentication. 1 member has not turned it on yet`);
	const row = (p: Person) => ownerPage.getByTestId('member-row').filter({ hasText: p.email });
	await expect(row(owner).getByTestId('two-factor-on')).toHaveText('2FA');
	await expect(row(secured).getByTestId('two-factor-on')).toHaveText('2FA');
	await expect(row(member).getByTestId('two-factor-off')).toHaveText('No 2FA');
	await lookAt(ownerPage, 'org-members-two-factor', testInfo);
	await row(member).getByRole('button', { name: /^Actions for/ }).click();
	await expect(ownerPage.getByRole('menuitem', { name: 'Reset 2FA…' })).toHaveCount(0); // nothing to reset
	await ownerPage.keyboard.press('Escape');
	await row(secured).getByRole('button', { name: /^Actions for/ }).click();
	await ownerPage.getByRole('menuitem', { name: 'Reset 2FA…' }).click();
	const reset = ownerPage.getByRole('alertdialog', { name: 'Reset two-factor authentication' });
	await expect(reset).toContainText('they will sign in with their password alone until they enable 2FA again');
	await reset.getByRole('button', { name: 'Reset 2FA' }).click();
	await expect(ownerPage.getByText('Two-factor authentication was reset.')).toBeVisible();
	await expect(row(secured).getByTestId('two-factor-off')).toHaveText('No 2FA');

	// The member without 2FA: every org page sends them to Security, which names the org.
	const memberPage = await device(browser);
	await signIn(memberPage, member);
	// The dashboard still lists the org by name, flagged.
	await expect(memberPage.getByTestId('org-item').filter({ hasText: org.name }).getByText('Requires 2FA')).toBeVisible();
	for (const path of [`/orgs/${org.slug}`, `/orgs/${org.slug}/instances`, `/orgs/${org.slug}/settings`]) {
		await memberPage.goto(path);
		await expect(memberPage).toHaveURL(new RegExp(`/settings/security\\?mfa_required=${org.slug}$`));
	}
	const notice = memberPage.getByTestId('mfa-required-notice');
	await expect(notice).toContainText(`${org.name} requires two-factor authentication. Turn it on below`);
	await lookAt(memberPage, 'security-mfa-required', testInfo);
	// A link naming an org the member is not held back by shows nothing.
	await memberPage.goto('/settings/security?mfa_required=some-other-org');
	await expect(memberPage.getByTestId('mfa-required-notice')).toHaveCount(0);

	// The sessions page says how this session signed in.
	await memberPage.goto('/settings/sessions');
	await expect(memberPage.getByTestId('session-auth-method').first()).toHaveText('Password');
	await lookAt(memberPage, 'sessions-auth-method', testInfo);

	// Leaving stays open: from the notice, behind a confirmation.
	await memberPage.goto(`/orgs/${org.slug}`);
	await memberPage.getByRole('button', { name: `Leave ${org.name}` }).click();
	await memberPage.getByRole('alertdialog').getByRole('button', { name: 'Leave organization' }).click();
	await expect(memberPage).toHaveURL(/\/dashboard$/);
	await memberPage.goto(`/orgs/${org.slug}`);
	await expect(memberPage.getByText('Organization not found')).toBeVisible();
});
