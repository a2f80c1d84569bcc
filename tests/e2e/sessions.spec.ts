import { expect, test } from '@playwright/test';
import { confirmAction, newAccount, newDevice, signIn, signOut, signUp } from './helpers';

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
	// One line a person reads: the browser and the OS (Playwright's Chromium on Linux).
	await expect(rows.first()).toContainText(/Chrome( Headless)? on Linux/);
	await expect(rows.first()).toContainText('Last active');
	await expect(rows.first()).toContainText('just now');

	const other = rows.filter({ hasNotText: 'This device' });
	await confirmAction(other, 'Revoke', 'Yes, revoke');
	await expect(deviceA.getByText('The session was signed out.')).toBeVisible();
	await expect(rows).toHaveCount(1);
	await expect(rows).toContainText('This device');

	// Device B's very next navigation finds its session gone, and says why, once.
	await deviceB.getByRole('link', { name: 'Settings', exact: true }).click();
	await expect(deviceB).toHaveURL(/\/login/);
	await expect(deviceB.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	await expect(deviceB.getByRole('status')).toHaveText('You were signed out from another device.');
	await expect(deviceB.getByRole('button', { name: /^Account menu/ })).toHaveCount(0);
	await deviceB.goto('/dashboard');
	await expect(deviceB).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);
	await expect(deviceB.getByText('You were signed out from another device.')).toHaveCount(0);

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
	await confirmAction(deviceA, 'Sign out all other sessions', 'Yes, sign them out');
	await expect(deviceA.getByText('Signed out 2 other sessions.')).toBeVisible();
	await expect(deviceA.getByTestId('session-row')).toHaveCount(1);

	for (const device of [deviceB, deviceC]) {
		await device.goto('/dashboard');
		await expect(device).toHaveURL(/\/login\?redirectTo=%2Fdashboard&signedOut=revoked$/);
		await expect(device.getByRole('status')).toHaveText('You were signed out from another device.');
	}
});

test('a session that merely ended (signed out here) gets no notice; a forged cookie gets none either', async ({ browser }) => {
	const account = newAccount('quiet');
	const page = await newDevice(browser);
	await signUp(page, account);
	const cookie = (await page.context().cookies()).find((c) => c.name === 'ocore_session')!;
	await signOut(page);

	// Put the dead cookie back, and a made-up one beside a real id: neither hears a reason.
	for (const value of [cookie.value, `${cookie.value.split('.')[0]}.${'a'.repeat(24)}`]) {
		await page.context().addCookies([{ ...cookie, value }]);
		await page.goto('/settings/sessions');
		await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings%2Fsessions$/);
		await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
		await expect(page.getByRole('status')).toHaveCount(0);
	}
});
