/**
 * The audit log as a person reads it (issue 8): an org with more than 50 mixed events, SSH sessions
 * included (real `ssh` runs against a real container), shown as sentences in compact rows, raw fields
 * one click away, filtered by a select of known actions, paged, with the chain verified and an export
 * that carries the filters; the same rows on a 390 px phone without sideways scrolling. The security
 * log reads the same way. Screenshots are kept as test artifacts.
 */
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { ensureTestImage, removeTestContainers, requireDocker } from '../helpers/docker';
import { seedAuditLog, type AuditFixture } from './audit-fixture';
import { ADMIN, fillSignIn, signUpOrSignInAdmin } from './helpers';

/** Rows must stay compact: no row taller than this at 1280 px or at 390 px. */
const MAX_ROW_HEIGHT_PX = 120;
const PAGE_SIZE = 50;

let fixture: AuditFixture | undefined;

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.beforeAll(async ({ baseURL }) => {
	test.setTimeout(600_000);
	if (!(await requireDocker('the audit-log e2e flow'))) return;
	await ensureTestImage();
	fixture = await seedAuditLog(baseURL!, ADMIN);
});

test.afterAll(() => removeTestContainers());

test.beforeEach(() => {
	test.skip(!fixture, 'needs a Docker engine for the SSH sessions (see tests/helpers/docker.ts)');
});

const rows = (page: Page) => page.getByTestId('audit-row');

async function rowHeights(page: Page): Promise<number[]> {
	return rows(page).evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height));
}

/** axe-core's serious and critical findings, by rule id (none expected). */
async function seriousA11yViolations(page: Page): Promise<string[]> {
	const results = await new AxeBuilder({ page }).analyze();
	return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.length}`);
}

async function horizontalOverflow(page: Page): Promise<number> {
	return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test('the audit log reads as sentences in compact rows, raw fields one click away, the chain verified', async ({ page }, testInfo) => {
	const f = fixture!;
	await page.setViewportSize({ width: 1280, height: 900 });
	await signUpOrSignInAdmin(page);
	await page.goto(`/orgs/${f.orgId}/audit`);

	await expect(page.getByTestId('chain-status')).toHaveText(`Chain verified · ${f.rowCount} events`);
	await expect(rows(page)).toHaveCount(PAGE_SIZE);
	const slug = f.instanceSlug;
	// The newest first, each in words with the people's names.
	await expect(rows(page).first()).toContainText(`${ADMIN.name} started the instance ${slug}`);
	const sentences = page.getByTestId('event-sentence');
	await expect(sentences.filter({ hasText: `${f.bob.name} was refused an SSH command on ${slug} from 127.0.0.1: the instance is not running` })).toHaveCount(1);
	await expect(sentences.filter({ hasText: `${f.dave.name} was refused an SSH command on ${slug} from 127.0.0.1: no permission` })).toHaveCount(1);
	await expect(sentences.filter({ hasText: `${f.bob.name} ran "echo run 4; exit 0" over SSH on ${slug} from 127.0.0.1` })).toHaveCount(1);
	const exit3 = new RegExp(`^${f.bob.name} finished an SSH command on ${slug} from 127\\.0\\.0\\.1, (<1|\\d+) s, exit 3$`);
	await expect(sentences.filter({ hasText: exit3 })).toHaveCount(f.sshRuns / 3);
	await expect(sentences.filter({ hasText: `${ADMIN.name} changed ${f.carol.name}'s role from Developer to Viewer` })).toHaveCount(3);
	await expect(sentences.filter({ hasText: `renamed the organization` })).toHaveText(/to "Audit .* Hosting"$/);
	// Who, when and from where beside each sentence; no raw action names, no JSON until asked.
	const refused = rows(page).filter({ hasText: 'no permission' });
	await expect(refused).toContainText(f.dave.email);
	await expect(refused).toContainText(/minutes? ago|just now/);
	await expect(page.getByTestId('event-raw').first()).toBeHidden();

	for (const height of await rowHeights(page)) expect(height).toBeLessThan(MAX_ROW_HEIGHT_PX);
	await page.screenshot({ path: testInfo.outputPath('audit-log-1280.png'), fullPage: true });

	// The stored fields behind the row, pretty-printed, by mouse and by keyboard.
	await refused.locator('summary').click();
	const raw = refused.getByTestId('event-raw');
	await expect(raw).toBeVisible();
	await expect(raw).toContainText('"action": "ssh.session_refused"');
	await expect(raw).toContainText('"code": "permission_denied"');
	await expect(raw).toContainText(`"instanceSlug": "${slug}"`);
	expect(await seriousA11yViolations(page)).toEqual([]);
	await refused.locator('summary').press('Enter');
	await expect(raw).toBeHidden();

	// Older, then Newer again.
	await page.getByRole('link', { name: 'Older →' }).click();
	await expect(rows(page)).toHaveCount(f.rowCount - PAGE_SIZE);
	await expect(rows(page).last()).toContainText(`${ADMIN.name} created the organization`);
	await expect(page.getByRole('link', { name: 'Older →' })).toHaveCount(0);
	await page.getByRole('link', { name: '← Newer' }).click();
	await expect(rows(page)).toHaveCount(PAGE_SIZE);
	await expect(rows(page).first()).toContainText(`started the instance ${slug}`);
	await expect(page.getByRole('link', { name: '← Newer' })).toHaveCount(0);
});

test('the action filter is a select of known actions, and the export carries it', async ({ page }, testInfo) => {
	const f = fixture!;
	await signUpOrSignInAdmin(page);
	await page.goto(`/orgs/${f.orgId}/audit`);
	const select = page.getByLabel('Action');
	await expect(select.locator('optgroup[label="Sessions"] option')).toHaveText([
		'SSH session opened',
		'SSH session closed',
		'SSH session refused',
		'Web terminal opened',
		'Web terminal closed',
		'Web terminal refused'
	]);
	await expect(select.locator('option', { hasText: 'Signed in' })).toHaveCount(0);
	await select.selectOption({ label: 'SSH session closed' });
	await page.getByRole('button', { name: 'Apply' }).click();
	await expect(page).toHaveURL(/action=ssh\.session_ended/);
	await expect(rows(page)).toHaveCount(f.sshRuns);
	await expect(page.getByTestId('event-sentence').filter({ hasNotText: /^.* finished an SSH command on / })).toHaveCount(0);
	await expect(select).toHaveValue('ssh.session_ended');
	await expect(page.getByRole('link', { name: 'Older →' })).toHaveCount(0);

	// The export links carry the filter; the browser's cookie is enough to download.
	const csv = page.getByRole('link', { name: 'CSV', exact: true });
	await expect(csv).toHaveAttribute('href', `/api/orgs/${f.orgId}/audit-logs/export?format=csv&action=ssh.session_ended`);
	const [download] = await Promise.all([page.waitForEvent('download'), csv.click()]);
	expect(download.suggestedFilename()).toMatch(/^audit-log-audit-[a-z0-9]+-\d{8}-\d{6}Z\.csv$/);
	const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
	expect(lines[0]).toMatch(/^seq,created_at,actor_name,/);
	expect(lines).toHaveLength(f.sshRuns + 1);
	expect(lines.slice(1).every((line) => line.includes(',ssh.session_ended,'))).toBe(true);
	await page.screenshot({ path: testInfo.outputPath('audit-log-filtered-1280.png'), fullPage: true });

	await page.getByRole('link', { name: 'Clear' }).click();
	await expect(rows(page)).toHaveCount(PAGE_SIZE);
	await expect(select).toHaveValue('');
});

test('on a 390 px phone the rows stay compact and nothing scrolls sideways', async ({ page }, testInfo) => {
	const f = fixture!;
	await page.setViewportSize({ width: 390, height: 844 });
	await signUpOrSignInAdmin(page);
	await page.goto(`/orgs/${f.orgId}/audit`);
	await expect(rows(page)).toHaveCount(PAGE_SIZE);
	expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
	for (const height of await rowHeights(page)) expect(height).toBeLessThan(MAX_ROW_HEIGHT_PX);
	// The filter fields fold behind one line on a phone, so the first screen shows events; a tap opens them.
	const filterToggle = page.getByText('Filter events');
	await expect(filterToggle).toBeVisible();
	await expect(page.getByLabel('Action')).toBeHidden();
	await filterToggle.click();
	await expect(page.getByLabel('Action')).toBeVisible();
	// Opened raw fields wrap instead of widening the page.
	const session = rows(page).filter({ hasText: 'no permission' });
	await session.locator('summary').click();
	await expect(session.getByTestId('event-raw')).toContainText('keyFingerprint');
	expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
	await page.screenshot({ path: testInfo.outputPath('audit-log-390.png'), fullPage: true });
});

test("a member without view:audit_logs is refused the log, and every user's security log reads the same way", async ({ page }, testInfo) => {
	const f = fixture!;
	await page.setViewportSize({ width: 390, height: 844 });
	await fillSignIn(page, f.carol);
	await expect(page).toHaveURL(/\/dashboard$/, { timeout: 15_000 });
	const refused = await page.goto(`/orgs/${f.orgId}/audit`);
	expect(refused?.status()).toBe(403);
	await expect(page.getByText('Permission denied: view:audit_logs')).toBeVisible();

	await page.goto('/settings/security-log');
	const events = page.getByTestId('security-event');
	await expect(events.first()).toContainText('You signed in');
	await expect(events.last()).toContainText('You created the account');
	await expect(events.filter({ hasText: 'You signed in through the API' })).toHaveCount(1);
	expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
	for (const height of await events.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height))) {
		expect(height).toBeLessThan(MAX_ROW_HEIGHT_PX);
	}
	await events.first().locator('summary').click();
	await expect(events.first().getByTestId('event-raw')).toContainText('"action": "auth.login"');
	expect(await seriousA11yViolations(page)).toEqual([]);
	await page.screenshot({ path: testInfo.outputPath('security-log-390.png'), fullPage: true });
});
