/**
 * The one list of permissions and the built-in roles made of them. Owners hold every permission
 * whatever their role; only owners may transfer ownership or delete the org (not a permission).
 */
export const PERMISSIONS = [
	'view:instances',
	'manage:instances',
	'view:ssh_keys',
	'manage:ssh_keys',
	'view:audit_logs',
	'view:members',
	'manage:members',
	'manage:roles',
	'manage:servers'
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const BUILT_IN_ROLES: Record<'Admin' | 'Developer' | 'Viewer', readonly Permission[]> = {
	Admin: PERMISSIONS,
	// A user's own keys need no org permission; the ssh_keys permissions are about other members'
	// keys (org admins auditing fingerprints), so only Admin holds them.
	Developer: ['view:instances', 'manage:instances', 'view:members'],
	Viewer: ['view:instances', 'view:members']
};

export type BuiltInRoleName = keyof typeof BUILT_IN_ROLES;

export function isPermission(value: string): value is Permission {
	return (PERMISSIONS as readonly string[]).includes(value);
}
