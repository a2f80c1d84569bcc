/**
 * A user's security log: their own account events (sign-ins, sign-outs, password, sessions, SSH keys)
 * from the account chain, newest first, a page at a time.
 *
 * Policy: readable by that user only. The query is scoped by the caller's user id, taken from the
 * session, never from input; no org admin and no other user can read another account's events. Rows
 * name a session by its device and address, never by its id.
 */
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { auditLogs } from '../db/schema';
import { describeUserAgent } from '../sessions/describe-device';
import { ACCOUNT_CHAIN } from './append';
import { pageBySeq } from './query';
import type { SecurityLogInput } from './schemas';

export type SecurityEvent = {
	id: number;
	action: string;
	/** The action in words, for people. */
	summary: string;
	createdAt: Date;
	ipAddress: string | null;
	userAgent: string | null;
	device: string;
	browser: string;
	metadata: Record<string, unknown>;
};

export type SecurityLogPage = { items: SecurityEvent[]; nextCursor: string | null };

const SUMMARIES: Record<string, string> = {
	'user.signed_up': 'Created the account',
	'auth.login': 'Signed in',
	'auth.login_failed': 'Failed sign-in attempt',
	'auth.logout': 'Signed out',
	'auth.reauth_failed': 'Wrong password given to confirm a change',
	'session.revoked_others': 'Signed out all other sessions',
	'user.password_changed': 'Changed the password',
	'user.password_reset_requested': 'Requested a password reset',
	'user.password_reset': 'Reset the password',
	'ssh_key.added': 'Added an SSH key',
	'ssh_key.imported': 'Imported SSH keys from GitHub',
	'ssh_key.removed': 'Removed an SSH key',
	'user.name_changed': 'Changed the name',
	'user.email_change_requested': 'Asked to change the email address',
	'user.email_change_cancelled': 'Cancelled an email address change',
	'user.email_changed': 'Changed the email address',
	'user.deleted': 'Deleted the account'
};

const REAUTH_PURPOSES: Record<string, string> = {
	password_change: 'change the password',
	email_change: 'change the email address',
	account_deletion: 'delete the account'
};

function text(value: unknown): string | null {
	return typeof value === 'string' && value.length > 0 ? value : null;
}

export function summarise(action: string, metadata: Record<string, unknown>): string {
	if (action === 'auth.login') return metadata.kind === 'api' ? 'Signed in (API)' : 'Signed in';
	const purpose = REAUTH_PURPOSES[String(metadata.purpose)];
	if (action === 'auth.reauth_failed' && purpose) return `Wrong current password given to ${purpose}`;
	if (action === 'user.email_change_requested' && text(metadata.newEmail)) return `Asked to change the email address to ${metadata.newEmail}`;
	if (action === 'user.email_changed' && text(metadata.newEmail)) return `Changed the email address to ${metadata.newEmail}`;
	if (action === 'session.revoked') {
		if (metadata.reason === 'refresh_token_reuse') return 'Session ended: a used refresh token came back';
		const session = (metadata.session ?? {}) as Record<string, unknown>;
		const where = [text(session.device), text(session.ipAddress)].filter(Boolean).join(', ');
		if (metadata.current === true) return 'Ended this session';
		return where ? `Ended a session (${where})` : 'Ended a session';
	}
	const name = text(metadata.name);
	const base = SUMMARIES[action] ?? action;
	return name && action.startsWith('ssh_key.') && action !== 'ssh_key.imported' ? `${base} "${name}"` : base;
}

export async function listSecurityLog(app: Pick<AppContext, 'db'>, userId: string, input: SecurityLogInput): Promise<SecurityLogPage> {
	const conditions: SQL[] = [eq(auditLogs.chain, ACCOUNT_CHAIN), eq(auditLogs.actorUserId, userId)];
	if (input.cursor) conditions.push(lt(auditLogs.seq, Number(input.cursor)));
	const rows = await app.db
		.select({
			id: auditLogs.id,
			seq: auditLogs.seq,
			action: auditLogs.action,
			metadata: auditLogs.metadata,
			ipAddress: auditLogs.ipAddress,
			userAgent: auditLogs.userAgent,
			createdAt: auditLogs.createdAt
		})
		.from(auditLogs)
		.where(and(...conditions))
		.orderBy(desc(auditLogs.seq))
		.limit(input.limit + 1);
	const page = pageBySeq(rows, input.limit);
	const items = page.items.map(({ seq: _seq, ...row }) => {
		const metadata = (row.metadata ?? {}) as Record<string, unknown>;
		const { device, browser } = describeUserAgent(row.userAgent);
		return { ...row, metadata, summary: summarise(row.action, metadata), device, browser };
	});
	return { items, nextCursor: page.nextCursor };
}
