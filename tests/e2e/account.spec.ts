import { expect, test } from '@playwright/test';
import { newAccount, newDevice, signIn, signUp } from './helpers';

test('changing the password signs out the other device and keeps this one', async ({ browser }) => {
	const account = newAccount('changepw');
	const deviceA = await newDevice(browser);
	const deviceB = await newDevice(browser);
	await signUp(deviceA, account);
	await signIn(deviceB, account);

	await deviceA.goto('/settings/account');
	await expect(deviceA.getByText(account.email)).toBeVisible();

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

	await deviceB.getByRole('link', { name: 'Account' }).click();
	await expect(deviceB).toHaveURL(/\/login/);

	await deviceA.reload();
	await expect(deviceA).toHaveURL(/\/settings\/account$/);

	await signIn(deviceB, { email: account.email, password: newPassword });
});
