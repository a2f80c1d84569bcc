/**
 * Invitation rows as both sides see them, the link token and the invitation mail.
 *
 * Policy: the token is 32 bytes of crypto randomness sent only in the mail; the database keeps its
 * SHA-256, so a leaked table accepts nothing. An invitation lives INVITATION_TTL_SECONDS (7 days)
 * from its last sending. A pending row past its expiry is shown as `expired`; it can be resent, and
 * inviting the address again re-issues it (the (org, email) pending index allows one row).
 * The mail's link depends on whether the address has an account (sign in, or sign up with the address
 * filled in); only the recipient sees that difference, never the inviter.
 */
import { randomBytes } from 'node:crypto';
import { aliasedTable, and, eq, type SQL } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { hashSecret } from '../auth/tokens';
import { addSeconds } from '../clock';
import type { DbOrTx } from '../db/client';
import { orgInvitations, organizations, roles, users } from '../db/schema';
import { AppError } from '../errors';
import { logger } from '../logger';

export const INVITATION_TTL_SECONDS = 7 * 24 * 60 * 60;

/** What an invitation service needs from the application. */
export type InvitationDeps = Pick<AppContext, 'db' | 'clock' | 'mailer' | 'config'>;

export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'revoked' | 'expired';

export type Invitation = {
	id: string;
	orgId: string;
	orgName: string;
	email: string;
	roleId: string;
	role: string;
	status: InvitationStatus;
	expiresAt: Date;
	createdAt: Date;
	invitedBy: { name: string; email: string } | null;
};

const inviter = aliasedTable(users, 'inviter');

const invitationColumns = {
	id: orgInvitations.id,
	orgId: orgInvitations.orgId,
	orgName: organizations.name,
	email: orgInvitations.email,
	roleId: orgInvitations.roleId,
	role: roles.name,
	status: orgInvitations.status,
	expiresAt: orgInvitations.expiresAt,
	createdAt: orgInvitations.createdAt,
	inviterName: inviter.name,
	inviterEmail: inviter.email
};

/** A row as selected: the stored status (expiry is derived) and the inviter's columns, if any. */
type InvitationRow = Omit<Invitation, 'status' | 'invitedBy'> & {
	status: Exclude<InvitationStatus, 'expired'>;
	inviterName: string | null;
	inviterEmail: string | null;
};

function toInvitation(row: InvitationRow, now: Date): Invitation {
	const expired = row.status === 'pending' && row.expiresAt <= now;
	return {
		id: row.id,
		orgId: row.orgId,
		orgName: row.orgName,
		email: row.email,
		roleId: row.roleId,
		role: row.role,
		status: expired ? 'expired' : row.status,
		expiresAt: row.expiresAt,
		createdAt: row.createdAt,
		invitedBy: row.inviterEmail ? { name: row.inviterName ?? row.inviterEmail, email: row.inviterEmail } : null
	};
}

/** Invitations matching `where`, oldest first, as the API shows them. */
export async function selectInvitations(db: DbOrTx, where: SQL | undefined, now: Date): Promise<Invitation[]> {
	const rows = await db
		.select(invitationColumns)
		.from(orgInvitations)
		.innerJoin(organizations, eq(organizations.id, orgInvitations.orgId))
		.innerJoin(roles, eq(roles.id, orgInvitations.roleId))
		.leftJoin(inviter, eq(inviter.id, orgInvitations.invitedByUserId))
		.where(where)
		.orderBy(orgInvitations.createdAt);
	return rows.map((row) => toInvitation(row, now));
}

export async function requireOrgInvitation(db: DbOrTx, orgId: string, invitationId: string, now: Date): Promise<Invitation> {
	const [found] = await selectInvitations(db, and(eq(orgInvitations.orgId, orgId), eq(orgInvitations.id, invitationId)), now);
	if (!found) throw new AppError('not_found', 'Invitation not found');
	return found;
}

/** A fresh link token and what is stored of it. */
export function newInvitationToken(now: Date): { token: string; tokenHash: string; expiresAt: Date } {
	const token = randomBytes(32).toString('base64url');
	return { token, tokenHash: hashSecret(token), expiresAt: addSeconds(now, INVITATION_TTL_SECONDS) };
}

export function invitationTokenHash(token: string): string {
	return hashSecret(token);
}

/**
 * Mails the invitation after the transaction committed. A mail failure does not undo the invitation
 * (it is listed, and can be resent); it is logged without the token.
 */
export async function mailInvitation(app: InvitationDeps, invitation: Invitation, token: string): Promise<void> {
	const [account] = await app.db.select({ id: users.id }).from(users).where(eq(users.email, invitation.email));
	// The token goes in the query, never the path: request logs print paths.
	const landing = `/invitations?token=${token}`;
	let link: URL;
	if (account) {
		link = new URL(landing, app.config.appUrl);
	} else {
		link = new URL('/signup', app.config.appUrl);
		link.searchParams.set('email', invitation.email);
		link.searchParams.set('redirectTo', landing);
	}
	const by = invitation.invitedBy ? `${invitation.invitedBy.name} (${invitation.invitedBy.email})` : 'An administrator';
	const days = Math.round(INVITATION_TTL_SECONDS / 86_400);
	const next = account ? 'Sign in and accept or decline it' : 'Create your oCore account with this address, then accept or decline it';
	try {
		await app.mailer.send({
			to: invitation.email,
			subject: `Invitation to join ${invitation.orgName} on oCore`,
			text:
				`${by} invited you to join the organization "${invitation.orgName}" on oCore as ${invitation.role}.\n\n` +
				`${next} within ${days} days:\n${link.href}\n\n` +
				`Nothing changes unless you accept. If you did not expect this, ignore this message or decline it.`
		});
	} catch (err) {
		logger.warn('invitation mail not sent', { invitationId: invitation.id, error: err instanceof Error ? err.name : 'unknown' });
	}
}
