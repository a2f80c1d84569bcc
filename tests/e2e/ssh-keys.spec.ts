import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { newAccount, signUp } from './helpers';

const keyDir = mkdtempSync(path.join(tmpdir(), 'ocore-e2e-keys-'));
let keyCount = 0;

/** A fresh key pair from the real ssh-keygen; `fingerprint` is what `ssh-keygen -lf` prints for it. */
function generateKey(type: 'ed25519' | 'rsa', bits?: number) {
	const file = path.join(keyDir, `${type}-${++keyCount}`);
	execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', 'e2e@workstation', '-f', file]);
	const [, fingerprint] = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(' ');
	return { publicKey: readFileSync(`${file}.pub`, 'utf8').trim(), privateKey: readFileSync(file, 'utf8'), fingerprint: fingerprint! };
}

/** What the fake GitHub (fake-github.setup.ts) answers for https://github.com/<username>.keys. */
function setGithubKeys(username: string, lines: string[]) {
	writeFileSync(path.join(process.env.OCORE_E2E_GITHUB_DIR!, `${username.toLowerCase()}.keys`), lines.join('\n') + '\n');
}

async function addKey(page: Page, name: string, publicKey: string) {
	await page.getByLabel('Name', { exact: true }).fill(name);
	await page.getByLabel('Public key').fill(publicKey);
	await page.getByRole('button', { name: 'Add key' }).click();
}

test('add a key, see its ssh-keygen fingerprint, refuse it twice, delete it with confirmation', async ({ page }) => {
	const key = generateKey('ed25519');
	await signUp(page, newAccount('sshkeys'));
	await page.getByRole('link', { name: 'Settings', exact: true }).click();
	await page.getByRole('link', { name: 'SSH keys' }).click();
	await expect(page.getByRole('heading', { name: 'SSH keys', level: 1 })).toBeVisible();
	// The empty state says what to do next, down to the command that makes a key.
	const empty = page.getByTestId('ssh-keys-empty');
	await expect(empty.getByRole('heading', { name: 'Add your first SSH key' })).toBeVisible();
	await expect(empty).toContainText('ssh-keygen -t ed25519');

	await addKey(page, 'Work Laptop', key.publicKey);
	await expect(page.getByText('Added the key "Work Laptop".')).toBeVisible();
	const rows = page.getByTestId('ssh-key-row');
	await expect(rows).toHaveCount(1);
	await expect(rows.getByTestId('fingerprint')).toHaveText(key.fingerprint);
	await expect(rows).toContainText('Work Laptop');
	await expect(rows).toContainText('Ed25519');
	await expect(rows).toContainText('256 bits');
	await expect(rows).toContainText('Never used');
	await expect(rows).toContainText('Added just now');

	// The same key again: 409, shown beside the key field; still one row.
	await addKey(page, 'Work Laptop again', key.publicKey);
	await expect(page.getByLabel('Public key')).toHaveAccessibleDescription(/^This key is already registered on your account/);
	await expect(rows).toHaveCount(1);

	// Delete asks first; only the confirming button deletes.
	await rows.getByRole('button', { name: 'Delete', exact: true }).click();
	await expect(page.getByRole('alertdialog')).toContainText('Delete "Work Laptop"?');
	await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, delete' }).click();
	await expect(page.getByText('The key was deleted.')).toBeVisible();
	await expect(rows).toHaveCount(0);
	await page.reload();
	await expect(page.getByTestId('ssh-keys-empty')).toBeVisible();
});

test('a private key pasted by mistake is refused and wiped from the field, the name kept', async ({ page }) => {
	const key = generateKey('ed25519');
	await signUp(page, newAccount('sshwipe'));
	await page.goto('/settings/ssh-keys');
	const keyField = page.getByLabel('Public key');
	await addKey(page, 'Oops', key.privateKey);
	await expect(keyField).toHaveAccessibleDescription(/^This is a private key; paste the public key \(the \.pub file\) instead/);
	await expect(keyField).toHaveValue('');
	await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Oops');
	await expect(page.getByTestId('ssh-key-row')).toHaveCount(0);
	expect(await page.content()).not.toContain('PRIVATE KEY');

	// Any other refusal keeps the pasted text, so it can be looked at and fixed.
	await addKey(page, 'Typo', 'ssh-ed25519 not-base64!');
	await expect(keyField).toHaveAccessibleDescription(/^The key data is not valid base64/);
	await expect(keyField).toHaveValue('ssh-ed25519 not-base64!');

	// The cards fit a phone: the fingerprint wraps instead of widening the page.
	await addKey(page, 'Phone test', key.publicKey);
	await expect(page.getByTestId('ssh-key-row')).toHaveCount(1);
	await page.setViewportSize({ width: 360, height: 800 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});

// Without JavaScript, so every message and refilled value comes from the server-rendered page.
test('a private key and a 2048-bit RSA key are refused beside the key field and not listed', async ({ browser }) => {
	const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
	const ed25519 = generateKey('ed25519');
	const rsa2048 = generateKey('rsa', 2048);
	await signUp(page, newAccount('sshbad'));
	await page.goto('/settings/ssh-keys');
	const keyField = page.getByLabel('Public key');

	await addKey(page, 'Oops', ed25519.privateKey);
	await expect(keyField).toHaveAccessibleDescription(/^This is a private key; paste the public key \(the \.pub file\) instead/);
	await expect(page.getByLabel('Name', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByTestId('ssh-key-row')).toHaveCount(0);
	// The page sent back keeps the name but nothing of the private key.
	await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Oops');
	expect(await page.content()).not.toContain('PRIVATE KEY');

	await addKey(page, 'Old RSA', rsa2048.publicKey);
	await expect(keyField).toHaveAccessibleDescription(/^RSA key is 2048 bits; at least 4096 bits are required/);
	await expect(page.getByTestId('ssh-key-row')).toHaveCount(0);

	// A name over 100 characters is reported beside the name, not the key.
	await addKey(page, 'n'.repeat(101), ed25519.publicKey);
	await expect(page.getByLabel('Name', { exact: true })).toHaveAccessibleDescription(/^Name must be at most 100 characters/);
	await expect(keyField).not.toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByTestId('ssh-key-row')).toHaveCount(0);
});

test('import from GitHub adds the valid key and lists the skipped one with its reason', async ({ page }) => {
	const username = `e2e-${Date.now().toString(36)}`;
	const good = generateKey('ed25519');
	const weak = generateKey('rsa', 2048);
	setGithubKeys(username, [good.publicKey, weak.publicKey]);
	await signUp(page, newAccount('sshimport'));
	await page.goto('/settings/ssh-keys');

	// A user GitHub does not know: the answer sits beside the username field.
	await page.getByLabel('GitHub username').fill(`${username}-nobody`);
	await page.getByRole('button', { name: 'Import keys' }).click();
	await expect(page.getByLabel('GitHub username')).toHaveAccessibleDescription(`GitHub user ${username}-nobody not found`);

	await page.getByLabel('GitHub username').fill(username);
	await page.getByRole('button', { name: 'Import keys' }).click();
	const result = page.getByTestId('import-result');
	await expect(result).toContainText(`Imported from ${username}: 1 added, 1 skipped.`);
	await expect(result.getByTestId('import-added')).toHaveCount(1);
	await expect(result.getByTestId('import-added')).toContainText(good.fingerprint);
	await expect(result.getByTestId('import-skipped')).toHaveCount(1);
	await expect(result.getByTestId('import-skipped')).toContainText('RSA key is 2048 bits; at least 4096 bits are required');

	const rows = page.getByTestId('ssh-key-row');
	await expect(rows).toHaveCount(1);
	await expect(rows.getByTestId('fingerprint')).toHaveText(good.fingerprint);
	await expect(rows).toContainText(`GitHub ${username} #1`);
});
