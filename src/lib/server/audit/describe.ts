/**
 * An audit row in plain English: "Alice changed Bob's role from Developer to Viewer", "Bob opened an
 * SSH session on acme-shop from 203.0.113.7", "Bob closed an SSH session on acme-shop from
 * 203.0.113.7, 12 min, exit 0". Pure: people's names come in as a map (names.ts reads them for a whole
 * page in one query), everything else from the row itself. Values the row holds are clipped, so one
 * long command or name cannot make a row of the log tall; the raw fields keep them whole.
 *
 * Every action in actions.ts has a sentence here; an unknown one still reads as a sentence naming
 * the stored action.
 */
import type { KnownAuditAction } from './actions';

export type DescribableAuditRow = {
	action: string;
	actorUserId: string | null;
	actorEmail: string | null;
	targetType: string | null;
	targetId: string | null;
	metadata: Record<string, unknown>;
	ipAddress: string | null;
};

export type DescribeOptions = {
	/** Display names by user id (actors and target users). */
	names: ReadonlyMap<string, string>;
	/** The reader: rows they did read "You ...", as in their own security log. */
	viewerId?: string;
};

const MAX_VALUE_CHARS = 60;

function str(value: unknown): string | null {
	return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function num(value: unknown): number | null {
	return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function clip(value: string): string {
	const oneLine = value.replace(/\s+/g, ' ').trim();
	return oneLine.length > MAX_VALUE_CHARS ? `${oneLine.slice(0, MAX_VALUE_CHARS - 1)}…` : oneLine;
}

function plain(value: unknown, otherwise: string): string {
	const s = str(value);
	return s ? clip(s) : otherwise;
}

/** `before + value + after` when the row holds the value, else nothing. */
function optional(value: unknown, before: string, after = ''): string {
	const s = str(value);
	return s ? `${before}${clip(s)}${after}` : '';
}

function quoted(value: unknown, otherwise: string): string {
	const s = str(value);
	return s ? `"${clip(s)}"` : otherwise;
}

function plural(n: number, one: string, many = `${one}s`): string {
	return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** "<1 s", "42 s", "12 min", "2 h 5 min". */
export function formatDuration(seconds: number): string {
	if (seconds < 0.5) return '<1 s';
	if (seconds < 60) return `${Math.round(seconds)} s`;
	const minutes = Math.round(seconds / 60);
	if (minutes < 60) return `${minutes} min`;
	const rest = minutes % 60;
	return rest === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${rest} min`;
}

type Who = { label: string; possessive: string; pronoun: string };

const YOU: Who = { label: 'You', possessive: 'Your', pronoun: 'your' };

function who(label: string): Who {
	return { label, possessive: `${label}'s`, pronoun: 'their' };
}

function actorOf(row: DescribableAuditRow, options: DescribeOptions): Who {
	if (row.actorUserId && row.actorUserId === options.viewerId) return YOU;
	const name = row.actorUserId ? options.names.get(row.actorUserId) : undefined;
	if (name) return who(clip(name));
	if (row.actorEmail) return who(clip(row.actorEmail));
	return who(row.action === 'auth.login_failed' || row.action === 'auth.passkey_failed' ? 'Someone' : 'The system');
}

/** The user a member event is about: their name, else the email the row kept. */
function targetUser(row: DescribableAuditRow, options: DescribeOptions, emailKey = 'email'): Who {
	if (row.targetId && row.targetId === options.viewerId) return { label: 'you', possessive: 'your', pronoun: 'your' };
	const name = row.targetId ? options.names.get(row.targetId) : undefined;
	return who(clip(name ?? str(row.metadata[emailKey]) ?? 'a former member'));
}

// --- Gateway sessions: ssh.* (the SSH door) and terminal.* (the browser's web terminal) ---

type SessionWords = { opened: string; noun: string; article: string };

function sessionWords(ssh: boolean, kind: string | null, command: string | null): SessionWords {
	if (!ssh) return { opened: 'opened a web terminal', noun: 'web terminal', article: 'a' };
	switch (kind) {
		case 'exec':
			return { opened: command ? `ran ${quoted(command, '')} over SSH` : 'ran a command over SSH', noun: 'SSH command', article: 'an' };
		case 'sftp':
			return { opened: 'opened an SFTP session', noun: 'SFTP session', article: 'an' };
		case 'scp':
			return { opened: 'started an scp transfer', noun: 'scp transfer', article: 'an' };
		case 'rsync':
			return { opened: 'started an rsync transfer', noun: 'rsync transfer', article: 'an' };
		default:
			return { opened: 'opened an SSH session', noun: 'SSH session', article: 'an' };
	}
}

const END_REASONS: Record<string, string> = {
	idle_timeout: 'was closed by the idle timeout',
	revoked: 'was ended: access revoked',
	limit: 'was ended at a limit',
	error: 'ended with an error',
	abandoned: 'was abandoned (its gateway process stopped)'
};

const REFUSALS: Record<string, string> = {
	permission_denied: 'no permission',
	mfa_required: 'the organization requires two-factor authentication',
	instance_stopped: 'the instance is not running',
	session_limit: 'too many open sessions',
	connection_limit: 'too many open connections',
	access_revoked: 'access revoked',
	sftp_unavailable: 'no sftp-server in the instance',
	unsupported_request: 'unsupported request',
	backend_error: 'the container could not be reached'
};

function describeSession(row: DescribableAuditRow, actor: Who, event: string): string {
	const m = row.metadata;
	const ssh = row.action.startsWith('ssh.');
	const words = sessionWords(ssh, str(m.kind), str(m.command));
	const where = `on ${plain(m.instanceSlug, 'an instance')}${row.ipAddress ? ` from ${row.ipAddress}` : ''}`;
	if (event === 'session_started') return `${actor.label} ${words.opened} ${where}`;
	if (event === 'session_refused') {
		const code = str(m.code);
		const why = (code && REFUSALS[code]) ?? plain(m.reason, 'refused');
		return `${actor.label} was refused ${words.article} ${words.noun} ${where}: ${why}`;
	}
	const facts: string[] = [];
	const seconds = num(m.durationSeconds);
	if (seconds !== null) facts.push(formatDuration(seconds));
	const exit = num(m.exitStatus);
	if (exit !== null) facts.push(`exit ${exit}`);
	else if (str(m.exitSignal)) facts.push(`signal ${str(m.exitSignal)}`);
	const tail = facts.length > 0 ? `, ${facts.join(', ')}` : '';
	const reason = str(m.reason);
	if (reason && reason !== 'closed') {
		return `${actor.possessive} ${words.noun} ${where} ${END_REASONS[reason] ?? `ended (${clip(reason)})`}${tail}`;
	}
	const verb = ['SSH command', 'scp transfer', 'rsync transfer'].includes(words.noun) ? 'finished' : 'closed';
	return `${actor.label} ${verb} ${words.article} ${words.noun} ${where}${tail}`;
}

// --- Roles ---

function permissionsOf(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : [];
}

function describeRoleUpdate(m: Record<string, unknown>): string {
	const before = (m.before ?? {}) as Record<string, unknown>;
	const after = (m.after ?? {}) as Record<string, unknown>;
	const was = permissionsOf(before.permissions);
	const now = permissionsOf(after.permissions);
	const added = now.filter((p) => !was.includes(p));
	const removed = was.filter((p) => !now.includes(p));
	const changes = [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : '']
		.filter(Boolean)
		.join('; ');
	const renamed = str(before.name) && str(after.name) && before.name !== after.name;
	if (renamed && changes) return `renamed the role ${quoted(before.name, '')} to ${quoted(after.name, '')} (${changes})`;
	if (renamed) return `renamed the role ${quoted(before.name, '')} to ${quoted(after.name, '')}`;
	return `changed the role ${quoted(after.name ?? before.name, 'a role')}${changes ? `: ${changes}` : ''}`;
}

// --- Everything else: one verb phrase per action, after the actor's name ---

type Phrase = (row: DescribableAuditRow, actor: Who, options: DescribeOptions) => string;

const SERVER_KINDS: Record<string, string> = { socket: 'Docker socket', tcp: 'Docker over TCP', ssh: 'Docker over SSH' };

function sessionDevice(m: Record<string, unknown>): string {
	const session = (m.session ?? {}) as Record<string, unknown>;
	const where = [str(session.device), str(session.ipAddress)].filter(Boolean).join(', ');
	return where ? ` (${clip(where)})` : '';
}

function endedSessions(m: Record<string, unknown>): string {
	const n = num(m.endedSessions);
	return n ? ` and signed out ${plural(n, 'other session')}` : '';
}

const REAUTH_METHODS: Record<string, string> = { password: 'the password', totp: 'a 2FA code', recovery_code: 'a recovery code', passkey: 'a passkey' };

const CODE_PURPOSES: Record<string, string> = {
	sign_in: 'to sign in',
	reauthentication: 'to confirm access',
	enable: 'while turning on two-factor authentication',
	disable: 'while turning off two-factor authentication',
	regenerate_recovery_codes: 'while asking for new recovery codes'
};

function codePurpose(m: Record<string, unknown>): string {
	const purpose = str(m.purpose);
	return purpose && Object.hasOwn(CODE_PURPOSES, purpose) ? ` ${CODE_PURPOSES[purpose]}` : '';
}

const PHRASES: Record<Exclude<KnownAuditAction, `${'ssh' | 'terminal'}.${string}`>, Phrase> = {
	'org.created': (r) => `created the organization ${quoted(r.metadata.name, '')}`,
	'org.renamed': (r) => `renamed the organization from ${quoted(r.metadata.from, '?')} to ${quoted(r.metadata.to, '?')}`,
	'org.deleted': (r) => `deleted the organization ${quoted(r.metadata.name, '')}`,
	'ownership.transferred': (r, _a, o) => {
		const to = targetUser(r, o, 'toEmail').label;
		return r.metadata.keptOwnership === true ? `made ${to} an owner too` : `transferred ownership to ${to}`;
	},
	'member.invited': (r) => `invited ${plain(r.metadata.email, 'someone')} as ${plain(r.metadata.role, 'a member')}`,
	'member.joined': (r) => `joined as ${plain(r.metadata.role, 'a member')}`,
	'member.role_changed': (r, _a, o) =>
		`changed ${targetUser(r, o).possessive} role from ${plain(r.metadata.fromRole, '?')} to ${plain(r.metadata.toRole, '?')}`,
	'member.removed': (r, _a, o) => `removed ${targetUser(r, o).label}${optional(r.metadata.role, ' (', ')')} from the organization`,
	'member.left': () => 'left the organization',
	'member.two_factor_reset': (r, _a, o) => `reset ${targetUser(r, o).possessive} two-factor authentication`,
	'org.two_factor_requirement_changed': (r) =>
		r.metadata.requireTwoFactor === true
			? `required two-factor authentication for every member${num(r.metadata.membersWithoutTwoFactor) ? ` (${plural(num(r.metadata.membersWithoutTwoFactor)!, 'member')} without it yet)` : ''}`
			: 'stopped requiring two-factor authentication',
	'member.account_deleted': (r, a) => `deleted ${a.pronoun} account${optional(r.metadata.role, ' (was ', ')')}`,
	'invitation.resent': (r) => `sent the invitation to ${plain(r.metadata.email, 'someone')} again`,
	'invitation.revoked': (r) => `revoked the invitation to ${plain(r.metadata.email, 'someone')}`,
	'invitation.declined': () => 'declined the invitation',
	'role.created': (r) => `created the role ${quoted(r.metadata.name, '')} (${plural(permissionsOf(r.metadata.permissions).length, 'permission')})`,
	'role.updated': (r) => describeRoleUpdate(r.metadata),
	'role.deleted': (r) => `deleted the role ${quoted(r.metadata.name, '')}`,
	'server.created': (r) => {
		const kind = SERVER_KINDS[str(r.metadata.kind) ?? ''] ?? 'Docker';
		return `added the server ${quoted(r.metadata.name, '')} (${kind}${optional(r.metadata.endpoint, ' ')})`;
	},
	'server.deleted': (r) => `removed the server ${quoted(r.metadata.name, '')}`,
	'instance.created': (r) => {
		const m = r.metadata;
		const where = [optional(m.container, 'container '), optional(m.server, 'on "', '"')].filter(Boolean).join(' ');
		const place = str(m.project) && str(m.environment) ? ` in ${clip(`${m.project} / ${m.environment}`)}` : '';
		return `created the instance ${plain(m.slug, '?')}${place}${where ? ` (${where})` : ''}`;
	},
	'instance.started': (r) => `started the instance ${plain(r.metadata.slug, '?')}`,
	'instance.stopped': (r) => `stopped the instance ${plain(r.metadata.slug, '?')}`,
	'instance.deleted': (r) => `deleted the instance ${plain(r.metadata.slug, '?')}`,
	'project.created': (r) => `created the project ${quoted(r.metadata.name, '')}`,
	'project.renamed': (r) => `renamed the project ${quoted(r.metadata.from, '')} to ${quoted(r.metadata.to, '')}`,
	'project.deleted': (r) => `deleted the project ${quoted(r.metadata.name, '')}`,
	'environment.created': (r) => `created the environment ${quoted(r.metadata.name, '')}${optional(r.metadata.project, ' in project "', '"')}`,
	'environment.renamed': (r) =>
		`renamed the environment ${quoted(r.metadata.from, '')} to ${quoted(r.metadata.to, '')}${optional(r.metadata.project, ' in project "', '"')}`,
	'environment.deleted': (r) => `deleted the environment ${quoted(r.metadata.name, '')}${optional(r.metadata.project, ' from project "', '"')}`,

	'user.signed_up': () => 'created the account',
	'auth.login': (r) => (r.metadata.kind === 'api' ? 'signed in through the API' : 'signed in'),
	'auth.login_failed': () => 'failed to sign in (wrong email or password)',
	'auth.logout': () => 'signed out',
	'auth.reauth_failed': (r, a) =>
		r.metadata.purpose === 'password_change'
			? `gave a wrong current password while changing ${a.pronoun} password`
			: r.metadata.purpose === 'email_change'
				? `gave a wrong current password while changing ${a.pronoun} email address`
				: r.metadata.purpose === 'account_deletion'
					? `gave a wrong current password while deleting ${a.pronoun} account`
					: r.metadata.purpose === 'two_factor_disable'
						? 'gave a wrong password while turning off two-factor authentication'
						: 'gave a wrong password to confirm a change',
	'auth.reauthenticated': (r) => `confirmed access with ${REAUTH_METHODS[str(r.metadata.method) ?? ''] ?? 'a second check'}`,
	'two_factor.enabled': () => 'turned on two-factor authentication',
	'two_factor.disabled': () => 'turned off two-factor authentication',
	'two_factor.recovery_codes_regenerated': () => 'replaced the 2FA recovery codes with a new set',
	'two_factor.recovery_code_used': (r) => {
		const left = num(r.metadata.remaining);
		return `used a recovery code${codePurpose(r.metadata)}${left === null ? '' : ` (${plural(left, 'code')} left)`}`;
	},
	'two_factor.totp_failed': (r) => `gave a wrong two-factor code${codePurpose(r.metadata)}`,
	'two_factor.recovery_code_failed': (r) => `gave a wrong or used recovery code${codePurpose(r.metadata)}`,
	'session.revoked': (r, a) => {
		if (r.metadata.current === true) return `ended ${a.pronoun} current session${sessionDevice(r.metadata)}`;
		return `ended a session${sessionDevice(r.metadata)}`;
	},
	'session.revoked_others': (r) => {
		const n = num(r.metadata.revoked);
		return n === null ? 'signed out all other sessions' : `signed out ${plural(n, 'other session')}`;
	},
	'user.password_changed': (r, a) => `changed ${a.pronoun} password${endedSessions(r.metadata)}`,
	'user.password_reset_requested': () => 'asked for a password reset link',
	'user.password_reset': (r, a) => `reset ${a.pronoun} password with an emailed link${endedSessions(r.metadata)}`,
	'passkey.registered': (r) => `added the passkey ${quoted(r.metadata.name, '')}${r.metadata.synced === true ? ' (synced)' : ''}`,
	'passkey.renamed': (r) => `renamed the passkey ${quoted(r.metadata.previousName, '')} to ${quoted(r.metadata.name, '')}`,
	'passkey.deleted': (r) => `removed the passkey ${quoted(r.metadata.name, '')}`,
	'auth.passkey_failed': (r, a) =>
		r.metadata.reason === 'bad_signature' || r.metadata.reason === 'user_handle_mismatch'
			? `had a sign-in with ${a.pronoun} passkey ${quoted(r.metadata.name, '')} refused (the response did not verify)`
			: r.metadata.reason === 'other_user'
				? 'offered a passkey of another account'
				: 'tried to sign in with a passkey that is not registered here',
	'auth.passkey_counter_regression': (r, a) =>
		`had a sign-in with ${a.pronoun} passkey ${quoted(r.metadata.name, '')} refused: its counter went backwards, so the key may have been copied`,
	'ssh_key.added': (r) => `added the SSH key ${quoted(r.metadata.name, '')}${optional(r.metadata.type, ' (', ')')}`,
	'ssh_key.imported': (r) => {
		const added = num(r.metadata.added) ?? 0;
		const skipped = num(r.metadata.skipped) ?? 0;
		return `imported ${plural(added, 'SSH key')} from GitHub${optional(r.metadata.githubUsername, ' user ')}${skipped ? ` (${skipped} skipped)` : ''}`;
	},
	'ssh_key.removed': (r) => `removed the SSH key ${quoted(r.metadata.name, '')}`,
	'user.name_changed': (r, a) => `changed ${a.pronoun} name${optional(r.metadata.previousName, ' from "', '"')}${optional(r.metadata.name, ' to "', '"')}`,
	'user.email_change_requested': (r, a) => `asked to change ${a.pronoun} email address${optional(r.metadata.newEmail, ' to ')}`,
	'user.email_change_cancelled': (r, a) => `cancelled the change of ${a.pronoun} email address${optional(r.metadata.newEmail, ' to ')}`,
	'user.email_changed': (r, a) => `changed ${a.pronoun} email address${optional(r.metadata.previousEmail, ' from ')}${optional(r.metadata.newEmail, ' to ')}`,
	'user.deleted': (r, a) => `deleted ${a.pronoun} account`,
	'user.two_factor_reset': (r, _a, o) => `reset ${targetUser(r, o).possessive} two-factor authentication${optional(r.metadata.orgName, ' as an owner of "', '"')}`
};

const SESSION_EVENTS = ['session_started', 'session_ended', 'session_refused'];

function fallback(row: DescribableAuditRow): string {
	const target = row.targetType ? ` on ${row.targetType}${row.targetId ? ` ${row.targetId.slice(0, 8)}` : ''}` : '';
	return `performed ${clip(row.action)}${target}`;
}

/** One sentence for one audit row, starting with who did it. */
export function describeAuditRow(row: DescribableAuditRow, options: DescribeOptions): string {
	const actor = actorOf(row, options);
	const [domain, event] = row.action.split('.', 2);
	if ((domain === 'ssh' || domain === 'terminal') && SESSION_EVENTS.includes(event ?? '')) return describeSession(row, actor, event!);
	if (row.action === 'session.revoked' && row.metadata.reason === 'refresh_token_reuse') {
		const whose = row.actorUserId ? actor.possessive : 'A';
		return `${whose} session was ended: a refresh token that had already been used came back`;
	}
	const phrase = Object.hasOwn(PHRASES, row.action) ? PHRASES[row.action as keyof typeof PHRASES] : undefined;
	return `${actor.label} ${phrase ? phrase(row, actor, options) : fallback(row)}`;
}

/** The user ids whose names a page of rows needs: actors, and the users member events are about. */
export function userIdsToName(rows: readonly DescribableAuditRow[]): string[] {
	const ids = new Set<string>();
	for (const row of rows) {
		if (row.actorUserId) ids.add(row.actorUserId);
		if (row.targetType === 'user' && row.targetId) ids.add(row.targetId);
	}
	return [...ids];
}
