import { expect, test } from '@playwright/test';
import { newAccount, newDevice, signIn, signUp } from './helpers';

test('changing the password signs out the other device and keeps this one', async ({ browser }) => {
	const account = newAccount('changepw');
	const deviceA = await newDevice(browser);
	const deviceB = await newDevice(browser);
	await signUp(deviceA, account);
	await signIn(deviceB, account);

	await deviceA.goto('/settings/security');
	await expect(deviceA.getByRole('heading', { name: 'Password' })).toBeVisible();

	// A wrong current password is reported beside that field.
	await deviceA.getByLabel('Current password').fill('wrong-password-1');
	await deviceA.getByLabel('New password').fill(`${account.password}-x1`);
	await deviceA.getByRole('button', { name: 'Change password' }).click();
	await expect(deviceA.getByLabel('Current password')).toHaveAccessibleDescription('Current password is incorrect');

	const newPassword = `${account.password}-changed9`;
	await deviceA.getByLabel('Current password').fill(account.password);
	await deviceA.getByLabel('New password').fill(newPassword);
	await deviceA.getByRole('button', { name: 'Change password' }).click();
	await expect(deviceA.getByText('Your password was changed. 1 other session was signed out.')).toBeVisible();

	await deviceB.getByRole('link', { name: 'Settings', exact: true }).click();
	await expect(deviceB).toHaveURL(/\/login/);

	await deviceA.reload();
	await expect(deviceA).toHaveURL(/\/settings\/security$/);

	await signIn(deviceB, { email: account.email, password: newPassword });
});

test('repeated wrong current passwords are refused for a while, with the wait in words', async ({ browser }) => {
	const account = newAccount('reauth');
	const page = await newDevice(browser);
	await signUp(page, account);
	await page.goto('/settings/security');
	const submit = async (currentPassword: string) => {
		await page.getByLabel('Current password').fill(currentPassword);
		await page.getByLabel('New password').fill(`${account.password}-x2`);
		await page.getByRole('button', { name: 'Change password' }).click();
	};
	for (let i = 0; i < 5; i++) {
		await submit(`wrong-password-${i}`);
		await expect(page.getByLabel('Current password')).toHaveAccessibleDescription('Current password is incorrect');
	}
	// The back-off starts at one second and doubles with each further failure, so a try may land after
	// a wait has ended; keep trying until one lands inside it.
	const refusal = page.getByRole('alert').filter({ hasText: 'Too many' });
	await expect(async () => {
		await submit('wrong-password-again');
		await expect(refusal).toHaveText(/^Too many wrong passwords\. Try again in \d+ seconds?\.$/, { timeout: 1_000 });
	}).toPass({ timeout: 20_000 });
	for (const width of [1280, 390]) {
		await page.setViewportSize({ width, height: 900 });
		if (process.env.OCORE_SCREENSHOTS) await page.screenshot({ path: `${process.env.OCORE_SCREENSHOTS}/account-reauth-${width}.png`, fullPage: true });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
	}
});
