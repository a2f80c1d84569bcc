/**
 * Invitations from the invitee's side: their own list, the invitation behind a mailed link, accept,
 * decline.
 *
 * Policy: an invitation belongs to the account whose email it was sent to. Any other account gets
 * not_found for it, by id or by token, exactly as for an id that does not exist. Accepting happens in
 * one transaction under the org's lock and re-checks everything: still pending, not expired, the
 * account still holds the invited address, the role still exists, not already a member. Only then
 * is the membership created (member.joined in the org's chain). Declining writes invitation.declined
 * without the invitee's IP address or user agent: someone who never joined leaves no trace of their
 * whereabouts in an org's log.
 */
import { and, eq, gt } from 'drizzle-orm';
import { appendOrgAudit } from '../audit/append';
import type { DbOrTx } from '../db/client';
import { memberships, orgInvitations, users } from '../db/schema';
import { AppError } from '../errors';
import { invitationTokenHash, selectInvitations, type Invitation, type InvitationDeps } from './invitation-store';
import type { InvitationInput } from './schemas';
import { auditOrg, findRoleById, lockOrg, type ActingUser } from './store';

type InviteeDeps = Pick<InvitationDeps, 'db' | 'clock'>;

const NOT_FOUND = 'Invitation not found';

/** The signed-in user's invitations that can still be answered, oldest first. */
export async function listMyInvitations(app: InviteeDeps, acting: ActingUser): Promise<Invitation[]> {
	const now = app.clock.now();
	const where = and(
		eq(orgInvitations.email, acting.email),
		eq(orgInvitations.status, 'pending'),
		gt(orgInvitations.expiresAt, now)
	);
	return selectInvitations(app.db, where, now);
}

/** The invitation behind a mailed link, in whatever state, if it was sent to this user's address. */
export async function findMyInvitationByToken(app: InviteeDeps, acting: ActingUser, token: string): Promise<Invitation> {
	const where = and(eq(orgInvitations.tokenHash, invitationTokenHash(token)), eq(orgInvitations.email, acting.email));
	const [found] = await selectInvitations(app.db, where, app.clock.now());
	if (!found) throw new AppError('not_found', NOT_FOUND);
	return found;
}

/** The account's current address, read inside the transaction that acts on it. */
async function currentEmail(tx: DbOrTx, userId: string): Promise<string> {
	const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
	if (!user) throw new AppError('not_found', NOT_FOUND);
	return user.email;
}

/** Locks the org, then the invitation, which must be this user's and still pending. */
async function lockMyPendingInvitation(tx: DbOrTx, acting: ActingUser, invitationId: string, now: Date) {
	const email = await currentEmail(tx, acting.userId);
	const mine = and(eq(orgInvitations.id, invitationId), eq(orgInvitations.email, email));
	const [peek] = await tx.select({ orgId: orgInvitations.orgId }).from(orgInvitations).where(mine);
	if (!peek) throw new AppError('not_found', NOT_FOUND);
	// The org lock comes first, as in every membership change, so accept and revoke serialise.
	await lockOrg(tx, peek.orgId);
	const [row] = await tx.select().from(orgInvitations).where(mine).for('update');
	if (!row) throw new AppError('not_found', NOT_FOUND);
	if (row.status !== 'pending') throw new AppError('conflict', `This invitation was already ${row.status}`);
	if (row.expiresAt <= now) throw new AppError('conflict', 'This invitation has expired; ask for a new one');
	return row;
}

export type AcceptedInvitation = { orgId: string; roleId: string; role: string };

export async function acceptInvitation(app: InviteeDeps, acting: ActingUser, input: InvitationInput): Promise<AcceptedInvitation> {
	const now = app.clock.now();
	return app.db.transaction(async (tx) => {
		const row = await lockMyPendingInvitation(tx, acting, input.invitationId, now);
		const role = await findRoleById(tx, row.orgId, row.roleId);
		const [existing] = await tx
			.select({ userId: memberships.userId })
			.from(memberships)
			.where(and(eq(memberships.orgId, row.orgId), eq(memberships.userId, acting.userId)));
		if (existing) throw new AppError('conflict', 'You are already a member of this organization');
		await tx.insert(memberships).values({ orgId: row.orgId, userId: acting.userId, roleId: role.id, isOwner: false, createdAt: now });
		await tx
			.update(orgInvitations)
			.set({ status: 'accepted', respondedAt: now, acceptedByUserId: acting.userId })
			.where(eq(orgInvitations.id, row.id));
		await auditOrg(
			tx,
			row.orgId,
			acting,
			{
				action: 'member.joined',
				targetType: 'user',
				targetId: acting.userId,
				metadata: { email: row.email, invitationId: row.id, roleId: role.id, role: role.name }
			},
			now
		);
		return { orgId: row.orgId, roleId: role.id, role: role.name };
	});
}

export async function declineInvitation(app: InviteeDeps, acting: ActingUser, input: InvitationInput): Promise<void> {
	const now = app.clock.now();
	await app.db.transaction(async (tx) => {
		const row = await lockMyPendingInvitation(tx, acting, input.invitationId, now);
		await tx.update(orgInvitations).set({ status: 'declined', respondedAt: now }).where(eq(orgInvitations.id, row.id));
		await appendOrgAudit(
			tx,
			row.orgId,
			{
				actor: { userId: acting.userId, email: acting.email },
				action: 'invitation.declined',
				targetType: 'invitation',
				targetId: row.id,
				metadata: { email: row.email }
			},
			now
		);
	});
}
