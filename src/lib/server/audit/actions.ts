/**
 * The one list of audit actions the code writes, each with a label for people and the chain it goes
 * to ('org': an org's audit log; 'account': the user's own security log). The audit page's action
 * filter is built from it, and tests/unit/audit/actions.test.ts greps the source for every action
 * string written, so an action added without an entry here fails the build instead of showing up
 * as a raw `thing.happened` in the filter and the log.
 */

export type AuditChainKind = 'org' | 'account';

export type AuditActionInfo = { label: string; group: string; chain: AuditChainKind };

export const AUDIT_ACTIONS = {
	'org.created': { label: 'Organization created', group: 'Organization', chain: 'org' },
	'org.renamed': { label: 'Organization renamed', group: 'Organization', chain: 'org' },
	'org.deleted': { label: 'Organization deleted', group: 'Organization', chain: 'org' },
	'ownership.transferred': { label: 'Ownership transferred', group: 'Organization', chain: 'org' },
	'org.two_factor_requirement_changed': { label: 'Two-factor requirement changed', group: 'Organization', chain: 'org' },

	'member.invited': { label: 'Member invited', group: 'Members', chain: 'org' },
	'member.joined': { label: 'Member joined', group: 'Members', chain: 'org' },
	'member.role_changed': { label: 'Member role changed', group: 'Members', chain: 'org' },
	'member.removed': { label: 'Member removed', group: 'Members', chain: 'org' },
	'member.left': { label: 'Member left', group: 'Members', chain: 'org' },
	'member.account_deleted': { label: 'Member deleted their account', group: 'Members', chain: 'org' },
	'member.two_factor_reset': { label: "Member's 2FA reset", group: 'Members', chain: 'org' },
	'invitation.resent': { label: 'Invitation resent', group: 'Members', chain: 'org' },
	'invitation.revoked': { label: 'Invitation revoked', group: 'Members', chain: 'org' },
	'invitation.declined': { label: 'Invitation declined', group: 'Members', chain: 'org' },

	'role.created': { label: 'Role created', group: 'Roles', chain: 'org' },
	'role.updated': { label: 'Role changed', group: 'Roles', chain: 'org' },
	'role.deleted': { label: 'Role deleted', group: 'Roles', chain: 'org' },

	'server.created': { label: 'Server added', group: 'Servers and instances', chain: 'org' },
	'server.deleted': { label: 'Server removed', group: 'Servers and instances', chain: 'org' },
	'instance.created': { label: 'Instance created', group: 'Servers and instances', chain: 'org' },
	'instance.started': { label: 'Instance started', group: 'Servers and instances', chain: 'org' },
	'instance.stopped': { label: 'Instance stopped', group: 'Servers and instances', chain: 'org' },
	'instance.deleted': { label: 'Instance deleted', group: 'Servers and instances', chain: 'org' },
	'project.created': { label: 'Project created', group: 'Projects and environments', chain: 'org' },
	'project.renamed': { label: 'Project renamed', group: 'Projects and environments', chain: 'org' },
	'project.deleted': { label: 'Project deleted', group: 'Projects and environments', chain: 'org' },
	'environment.created': { label: 'Environment created', group: 'Projects and environments', chain: 'org' },
	'environment.renamed': { label: 'Environment renamed', group: 'Projects and environments', chain: 'org' },
	'environment.deleted': { label: 'Environment deleted', group: 'Projects and environments', chain: 'org' },

	'ssh.session_started': { label: 'SSH session opened', group: 'Sessions', chain: 'org' },
	'ssh.session_ended': { label: 'SSH session closed', group: 'Sessions', chain: 'org' },
	'ssh.session_refused': { label: 'SSH session refused', group: 'Sessions', chain: 'org' },
	'terminal.session_started': { label: 'Web terminal opened', group: 'Sessions', chain: 'org' },
	'terminal.session_ended': { label: 'Web terminal closed', group: 'Sessions', chain: 'org' },
	'terminal.session_refused': { label: 'Web terminal refused', group: 'Sessions', chain: 'org' },

	'user.signed_up': { label: 'Account created', group: 'Account', chain: 'account' },
	'auth.login': { label: 'Signed in', group: 'Account', chain: 'account' },
	'auth.login_failed': { label: 'Sign-in failed', group: 'Account', chain: 'account' },
	'auth.logout': { label: 'Signed out', group: 'Account', chain: 'account' },
	'auth.reauth_failed': { label: 'Wrong password to confirm a change', group: 'Account', chain: 'account' },
	'auth.reauthenticated': { label: 'Confirmed access', group: 'Account', chain: 'account' },
	'two_factor.enabled': { label: 'Two-factor authentication turned on', group: 'Account', chain: 'account' },
	'two_factor.disabled': { label: 'Two-factor authentication turned off', group: 'Account', chain: 'account' },
	'two_factor.recovery_codes_regenerated': { label: 'New recovery codes', group: 'Account', chain: 'account' },
	'two_factor.recovery_code_used': { label: 'Recovery code used', group: 'Account', chain: 'account' },
	'two_factor.totp_failed': { label: 'Wrong 2FA code', group: 'Account', chain: 'account' },
	'two_factor.recovery_code_failed': { label: 'Wrong recovery code', group: 'Account', chain: 'account' },
	'session.revoked': { label: 'Session ended', group: 'Account', chain: 'account' },
	'session.revoked_others': { label: 'Other sessions signed out', group: 'Account', chain: 'account' },
	'user.password_changed': { label: 'Password changed', group: 'Account', chain: 'account' },
	'user.password_reset_requested': { label: 'Password reset requested', group: 'Account', chain: 'account' },
	'user.password_reset': { label: 'Password reset', group: 'Account', chain: 'account' },
	'passkey.registered': { label: 'Passkey added', group: 'Account', chain: 'account' },
	'passkey.renamed': { label: 'Passkey renamed', group: 'Account', chain: 'account' },
	'passkey.deleted': { label: 'Passkey removed', group: 'Account', chain: 'account' },
	'auth.passkey_failed': { label: 'Passkey sign-in failed', group: 'Account', chain: 'account' },
	'auth.passkey_counter_regression': { label: 'Passkey refused: possible copy', group: 'Account', chain: 'account' },
	'ssh_key.added': { label: 'SSH key added', group: 'Account', chain: 'account' },
	'ssh_key.imported': { label: 'SSH keys imported', group: 'Account', chain: 'account' },
	'ssh_key.removed': { label: 'SSH key removed', group: 'Account', chain: 'account' },
	'user.name_changed': { label: 'Name changed', group: 'Account', chain: 'account' },
	'user.email_change_requested': { label: 'Email change requested', group: 'Account', chain: 'account' },
	'user.email_change_cancelled': { label: 'Email change cancelled', group: 'Account', chain: 'account' },
	'user.email_changed': { label: 'Email changed', group: 'Account', chain: 'account' },
	'user.deleted': { label: 'Account deleted', group: 'Account', chain: 'account' },
	'user.two_factor_reset': { label: '2FA reset by an organization owner', group: 'Account', chain: 'account' }
} as const satisfies Record<string, AuditActionInfo>;

export type KnownAuditAction = keyof typeof AUDIT_ACTIONS;

export function isKnownAuditAction(action: string): action is KnownAuditAction {
	return Object.hasOwn(AUDIT_ACTIONS, action);
}

/** The label of an action; an unknown one (written by a newer version, say) is shown as stored. */
export function auditActionLabel(action: string): string {
	return isKnownAuditAction(action) ? AUDIT_ACTIONS[action].label : action;
}

export type AuditActionGroup = { group: string; actions: { value: string; label: string }[] };

/** The actions of one chain kind, grouped in list order, for a filter select with optgroups. */
export function auditActionGroups(chain: AuditChainKind): AuditActionGroup[] {
	const groups = new Map<string, AuditActionGroup>();
	for (const [value, info] of Object.entries(AUDIT_ACTIONS) as [string, AuditActionInfo][]) {
		if (info.chain !== chain) continue;
		let entry = groups.get(info.group);
		if (!entry) groups.set(info.group, (entry = { group: info.group, actions: [] }));
		entry.actions.push({ value, label: info.label });
	}
	return [...groups.values()];
}
