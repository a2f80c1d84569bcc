/**
 * The permissions (defined once in src/lib/permissions.ts, with their labels and descriptions, so
 * pages can show them) and the built-in roles made of them. Owners hold every permission whatever
 * their role; only owners may transfer ownership or delete the org (not a permission).
 */
import { PERMISSIONS, type Permission } from '../../permissions';

export { isPermission, PERMISSION_INFO, PERMISSIONS, type Permission } from '../../permissions';

export const BUILT_IN_ROLES: Record<'Admin' | 'Developer' | 'Viewer', readonly Permission[]> = {
	Admin: PERMISSIONS,
	// A user's own keys need no org permission; the ssh_keys permissions are about other members'
	// keys (org admins auditing fingerprints), so only Admin holds them.
	Developer: ['view:instances', 'manage:instances', 'view:members'],
	Viewer: ['view:instances', 'view:members']
};

export type BuiltInRoleName = keyof typeof BUILT_IN_ROLES;
