/**
 * The roles page: every permission by its label and one-line description, the same on the built-in
 * role cards as in the form; a role without any permission is refused; deleting asks first.
 */
import { expect, test } from '@playwright/test';
import { PERMISSION_INFO } from '../../src/lib/permissions';
import { newAccount, newDevice, signUp } from './helpers';
import { createOrgFromDashboard } from './org-helpers';

test('permissions read as labels with descriptions; an empty role is refused; a role is created and deleted through a dialog', async ({
	browser
}) => {
	const page = await newDevice(browser);
	await signUp(page, newAccount('roles'));
	const org = await createOrgFromDashboard(page, 'Roles Co');
	await page.goto(`/orgs/${org.slug}/roles`);

	// The Viewer card says what each of its permissions allows, in the words the form uses.
	const viewer = page.getByTestId('builtin-role').filter({ has: page.getByRole('heading', { name: 'Viewer' }) });
	for (const permission of ['view:instances', 'view:members'] as const) {
		await expect(viewer).toContainText(PERMISSION_INFO[permission].label);
		await expect(viewer).toContainText(PERMISSION_INFO[permission].description);
	}
	await expect(viewer).not.toContainText(PERMISSION_INFO['manage:roles'].label);
	await expect(viewer.getByText('view:instances')).toHaveCount(0);
	await expect(page.getByText('No custom roles yet')).toBeVisible();

	// In the form, each box is named by the label and described by the description.
	const form = page.locator('form.create');
	const auditBox = form.getByRole('checkbox', { name: PERMISSION_INFO['view:audit_logs'].label });
	await expect(auditBox).toHaveAccessibleDescription(PERMISSION_INFO['view:audit_logs'].description);

	// No permission ticked: refused, said beside the permissions, the name kept.
	await form.getByLabel('Name').fill('Nothing at all');
	await form.getByRole('button', { name: 'Create role' }).click();
	const refusal = 'Choose at least one permission: a role without permissions grants nothing';
	await expect(form.getByRole('group', { name: 'Permissions' })).toHaveAccessibleDescription(refusal);
	await expect(form.getByLabel('Name')).toHaveValue('Nothing at all');
	await expect(page.getByTestId('custom-role')).toHaveCount(0);

	await form.getByLabel('Name').fill('Auditor');
	await auditBox.check();
	await form.getByRole('checkbox', { name: PERMISSION_INFO['view:members'].label }).check();
	await form.getByRole('button', { name: 'Create role' }).click();
	await expect(page.getByText('Role "Auditor" was created.')).toBeVisible();
	const auditor = page.getByTestId('custom-role').filter({ hasText: 'Auditor' });
	await expect(auditor).toContainText(PERMISSION_INFO['view:audit_logs'].description);
	await expect(auditor).toContainText('0 members');

	// Editing it down to nothing is refused too, in that role's form.
	await auditor.getByText('Edit Auditor').click();
	await auditor.getByRole('checkbox', { name: PERMISSION_INFO['view:audit_logs'].label }).uncheck();
	await auditor.getByRole('checkbox', { name: PERMISSION_INFO['view:members'].label }).uncheck();
	await expect(auditor.getByRole('checkbox', { checked: true })).toHaveCount(0);
	await auditor.getByRole('button', { name: 'Save role' }).click();
	await expect(auditor.getByRole('group', { name: 'Permissions' })).toHaveAccessibleDescription(refusal);
	await page.reload();
	await expect(auditor).toContainText(PERMISSION_INFO['view:audit_logs'].label);

	// Deleting asks first; Cancel keeps it, confirming removes it.
	await auditor.getByRole('button', { name: 'Delete' }).click();
	const dialog = page.getByRole('alertdialog', { name: 'Delete role' });
	await expect(dialog).toContainText('Delete the role "Auditor"?');
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(dialog).toHaveCount(0);
	// Opening the dialog posted nothing: after a reload the role is still there.
	await page.reload();
	await expect(page.getByTestId('custom-role')).toHaveCount(1);
	await auditor.getByRole('button', { name: 'Delete' }).click();
	await dialog.getByRole('button', { name: 'Delete role' }).click();
	await expect(page.getByText('Role "Auditor" was deleted.')).toBeVisible();
	await expect(page.getByTestId('custom-role')).toHaveCount(0);
});
