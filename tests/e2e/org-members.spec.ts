/**
 * The members page: each member's actions sit in a menu named for them, and removing someone or
 * handing over ownership opens a dialog that names who and what; Escape (or Cancel) changes nothing.
 */
import { expect, test } from '@playwright/test';
import { newAccount, newDevice, signUp } from './helpers';
import { createOrgFromDashboard, joinThroughInvitation, restAccount } from './org-helpers';

test('remove and transfer ownership go through a dialog naming the member; Escape cancels and nothing happens', async ({ browser, request }) => {
	const owner = newAccount('owner');
	const page = await newDevice(browser);
	await signUp(page, owner);
	const org = await createOrgFromDashboard(page, 'Members Co');
	const bob = await restAccount(request, 'bob');
	const carol = await restAccount(request, 'carol');
	await joinThroughInvitation(page, org.id, bob, 'Developer');
	await joinThroughInvitation(page, org.id, carol, 'Viewer');
	await page.reload();
	const rows = page.getByTestId('member-row');
	await expect(rows).toHaveCount(3);
	// Nobody acts on their own row here (leaving is on Settings).
	await expect(page.getByRole('button', { name: `Actions for ${owner.name}` })).toHaveCount(0);

	// Opened, then dismissed with Escape: the dialog goes, focus returns to the menu button, Bob stays.
	const bobMenu = page.getByRole('button', { name: `Actions for ${bob.name}` });
	await bobMenu.click();
	await page.getByRole('menuitem', { name: 'Remove from organization…' }).click();
	const dialog = page.getByRole('alertdialog', { name: 'Remove member' });
	await expect(dialog).toContainText(`Remove ${bob.name} (${bob.email}) from ${org.name}?`);
	await page.keyboard.press('Escape');
	await expect(dialog).toHaveCount(0);
	await expect(bobMenu).toBeFocused();
	await page.reload();
	await expect(rows).toHaveCount(3);
	await expect(rows.filter({ hasText: bob.email })).toHaveCount(1);

	// Confirmed: Bob is removed.
	await bobMenu.click();
	await page.getByRole('menuitem', { name: 'Remove from organization…' }).click();
	await dialog.getByRole('button', { name: 'Remove member' }).click();
	await expect(page.getByText('The member was removed.')).toBeVisible();
	await expect(rows).toHaveCount(2);
	await expect(rows.filter({ hasText: bob.email })).toHaveCount(0);

	// A role change needs no dialog: pick and save.
	await page.getByLabel(`Role of ${carol.name}`, { exact: true }).selectOption({ label: 'Developer' });
	await page.getByRole('button', { name: `Save the role of ${carol.name}` }).click();
	await expect(page.getByText(`${carol.name} is now Developer.`)).toBeVisible();

	// Keyboard only: the menu opens with Enter, the item is chosen with the arrows, Cancel is reached by Tab.
	const carolMenu = page.getByRole('button', { name: `Actions for ${carol.name}` });
	await carolMenu.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('menuitem', { name: 'Transfer ownership…' })).toBeFocused();
	await page.keyboard.press('Enter');
	const transfer = page.getByRole('alertdialog', { name: 'Transfer ownership' });
	await expect(transfer).toContainText(`Make ${carol.name} (${carol.email}) the owner of ${org.name}? You stop being an owner`);
	// Focus starts on Cancel, the least destructive choice.
	await expect(transfer.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(transfer).toHaveCount(0);
	await expect(carolMenu).toBeFocused();
	await expect(rows.filter({ hasText: carol.email })).not.toContainText('Owner');

	// Confirmed by keyboard: Carol owns the org; the former owner keeps the Admin role and no longer
	// manages an owner's row.
	await page.keyboard.press('Enter');
	// Wait for the menu to focus its item before choosing it (pressing on at once races the menu opening).
	await expect(page.getByRole('menuitem', { name: 'Transfer ownership…' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(transfer).toBeVisible();
	await expect(transfer.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(transfer.getByRole('button', { name: 'Transfer ownership' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page.getByText('Ownership was transferred. You are no longer an owner.')).toBeVisible();
	await expect(rows.filter({ hasText: carol.email })).toContainText('Owner');
	await expect(rows.filter({ hasText: owner.email })).not.toContainText('Owner');
	await expect(page.getByRole('button', { name: `Actions for ${carol.name}` })).toHaveCount(0);
});
