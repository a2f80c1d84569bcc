/**
 * The one list of org permissions, each with the label and the one-line description people read
 * (role cards, the permission picker). Importable by pages and by the server alike;
 * src/lib/server/orgs/permissions.ts re-exports it beside the built-in roles. A description says what
 * the permission lets its holder do today, in the procedures that check it.
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

export type PermissionInfo = { label: string; description: string };

export const PERMISSION_INFO: Record<Permission, PermissionInfo> = {
	'view:instances': {
		label: 'View instances',
		description: 'See the instances, their projects and environments and the servers, and open SSH sessions to running instances.'
	},
	'manage:instances': {
		label: 'Manage instances',
		description: 'Create, start, stop and delete instances, and the projects and environments they are grouped in.'
	},
	'view:ssh_keys': { label: 'View SSH keys', description: "See the fingerprints of members' SSH keys." },
	'manage:ssh_keys': {
		label: 'Manage SSH keys',
		description: "Reserved for managing members' SSH keys; no action needs it yet."
	},
	'view:audit_logs': { label: 'View audit log', description: 'Read the audit log and SSH session recordings.' },
	'view:members': { label: 'View members', description: 'See the members, their roles and pending invitations.' },
	'manage:members': {
		label: 'Manage members',
		description: "Invite people, change members' roles and remove members, up to one's own permissions."
	},
	'manage:roles': {
		label: 'Manage roles',
		description: "Create, change and delete custom roles, up to one's own permissions."
	},
	'manage:servers': { label: 'Manage servers', description: 'Register and delete the Docker servers instances run on.' }
};

export function isPermission(value: string): value is Permission {
	return (PERMISSIONS as readonly string[]).includes(value);
}
