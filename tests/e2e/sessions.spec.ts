import { expect, test } from '@playwright/test';
import { newAccount, newDevice, signIn, signUp } from './helpers';

test('two devices see each other in Sessions, and a revoked device is signed out', async ({ browser }) => {
	const account = newAccount('sessions');
	const deviceA = await newDevice(browser);
	const deviceB = await newDevice(browser);

	await signUp(deviceA, account);
	await signIn(deviceB, account);

	await deviceA.goto('/settings/sessions');
	await expect(deviceA.getByRole('heading', { name: 'Sessions' })).toBeVisible();
	const rows = deviceA.getByTestId('session-row');
	await expect(rows).toHaveCount(2);
	await expect(rows.filter({ hasText: 'This device' })).toHaveCount(1);
	await expect(rows.first()).toContainText('127.0.0.1');

	const other = rows.filter({ hasNotText: 'This device' });
	await other.locator('summary', { hasText: 'Revoke' }).click();
	await other.getByRole('button', { name: 'Yes, revoke' }).click();
	await expect(deviceA.getByText('The session was signed out.')).toBeVisible();
	await expect(rows).toHaveCount(1);
	await expect(rows).toContainText('This device');

	// Device B's very next navigation finds its session gone.
	await deviceB.getByRole('link', { name: 'Sessions' }).click();
	await expect(deviceB).toHaveURL(/\/login/);
	await expect(deviceB.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	await expect(deviceB.getByRole('button', { name: /^Account menu/ })).toHaveCount(0);

	// Device A is untouched.
	await deviceA.reload();
	await expect(rows).toHaveCount(1);
});

test('"Sign out all other sessions" ends every other device but this one', async ({ browser }) => {
	const account = newAccount('others');
	const [deviceA, deviceB, deviceC] = [await newDevice(browser), await newDevice(browser), await newDevice(browser)];
	await signUp(deviceA, account);
	await signIn(deviceB, account);
	await signIn(deviceC, account);

	await deviceA.goto('/settings/sessions');
	await expect(deviceA.getByTestId('session-row')).toHaveCount(3);
	await deviceA.locator('summary', { hasText: 'Sign out all other sessions' }).click();
	await deviceA.getByRole('button', { name: 'Yes, sign them out' }).click();
	await expect(deviceA.getByText('Signed out 2 other sessions.')).toBeVisible();
	await expect(deviceA.getByTestId('session-row')).toHaveCount(1);

	for (const device of [deviceB, deviceC]) {
		await device.goto('/dashboard');
		await expect(device).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);
	}
});
