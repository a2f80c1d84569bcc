/**
 * Inviting people into an org (the org's side): invite by email with a role, list the pending
 * invitations, revoke, resend. Nobody becomes a member here; the invitee accepts (invitee.ts).
 *
 * Policy:
 * - the inviter needs manage:members and may only offer a role whose permissions they hold
 *   themselves (requireCanGrant), checked again when resending;
 * - the answer never depends on whether the address has an account: no account is looked up, only
 *   the org's own members ("That user is already a member" tells the inviter nothing they cannot list);
 * - one pending invitation per address and org: inviting an address whose invitation is still valid is
 *   a 409 that points at Resend; an expired one is re-issued in place;
 * - every step is audited in the org's chain, in the same transaction; the mail goes out after commit.
 */
import { and, eq, type SQL } from 'drizzle-orm';
import { isUniqueViolation } from '../db/pg-errors';
import { memberships, orgInvitations, users } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { AppError } from '../errors';
import { requireCanGrant } from './guards';
import {
	mailInvitation,
	newInvitationToken,
	requireOrgInvitation,
	selectInvitations,
	type Invitation,
	type InvitationDeps
} from './invitation-store';
import { lockOrgForActor } from './lock-org-for-actor';
import type { InvitationInput, InviteMemberInput } from './schemas';
import { auditOrg, findRoleById, findRoleInOrg, type ActingUser } from './store';

const ALREADY_PENDING = 'That address already has a pending invitation; resend it instead';

async function requireNotMember(tx: DbOrTx, orgId: string, email: string): Promise<void> {
	const [member] = await tx
		.select({ userId: memberships.userId })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(and(eq(memberships.orgId, orgId), eq(users.email, email)));
	if (member) throw new AppError('conflict', 'That user is already a member');
}

/** One invitation row of this org, locked for the rest of the transaction. */
async function lockInvitationRow(tx: DbOrTx, orgId: string, match: SQL) {
	const [row] = await tx
		.select()
		.from(orgInvitations)
		.where(and(eq(orgInvitations.orgId, orgId), match))
		.for('update');
	return row ?? null;
}

export async function inviteMember(
	app: InvitationDeps,
	acting: ActingUser,
	orgId: string,
	input: InviteMemberInput
): Promise<Invitation> {
	const now = app.clock.now();
	const { token, tokenHash, expiresAt } = newInvitationToken(now);
	let invitationId: string;
	try {
		invitationId = await app.db.transaction(async (tx) => {
			const access = await lockOrgForActor(tx, orgId, acting.userId, 'manage:members');
			const role = await findRoleInOrg(tx, orgId, input.role);
			requireCanGrant(access, role.permissions);
			await requireNotMember(tx, orgId, input.email);
			const pending = await lockInvitationRow(tx, orgId, and(eq(orgInvitations.email, input.email), eq(orgInvitations.status, 'pending'))!);
			if (pending && pending.expiresAt > now) throw new AppError('conflict', ALREADY_PENDING);
			const fields = { roleId: role.id, invitedByUserId: acting.userId, tokenHash, expiresAt, createdAt: now, lastSentAt: now };
			const [row] = pending
				? await tx.update(orgInvitations).set(fields).where(eq(orgInvitations.id, pending.id)).returning({ id: orgInvitations.id })
				: await tx.insert(orgInvitations).values({ orgId, email: input.email, ...fields }).returning({ id: orgInvitations.id });
			if (!row) throw new Error('invitation write returned nothing');
			await auditOrg(
				tx,
				orgId,
				acting,
				{
					action: 'member.invited',
					targetType: 'invitation',
					targetId: row.id,
					metadata: { email: input.email, roleId: role.id, role: role.name }
				},
				now
			);
			return row.id;
		});
	} catch (err) {
		if (isUniqueViolation(err, 'org_invitations_pending_unique')) throw new AppError('conflict', ALREADY_PENDING);
		throw err;
	}
	const invitation = await requireOrgInvitation(app.db, orgId, invitationId, now);
	await mailInvitation(app, invitation, token);
	return invitation;
}

/** The org's invitations still awaiting an answer, expired ones included (they can be resent). */
export async function listOrgInvitations(app: Pick<InvitationDeps, 'db' | 'clock'>, orgId: string): Promise<Invitation[]> {
	const where = and(eq(orgInvitations.orgId, orgId), eq(orgInvitations.status, 'pending'));
	return selectInvitations(app.db, where, app.clock.now());
}

export async function revokeInvitation(
	app: InvitationDeps,
	acting: ActingUser,
	orgId: string,
	input: InvitationInput
): Promise<void> {
	const now = app.clock.now();
	await app.db.transaction(async (tx) => {
		await lockOrgForActor(tx, orgId, acting.userId, 'manage:members');
		const row = await requirePending(tx, orgId, input.invitationId);
		await tx.update(orgInvitations).set({ status: 'revoked', respondedAt: now }).where(eq(orgInvitations.id, row.id));
		await auditOrg(
			tx,
			orgId,
			acting,
			{ action: 'invitation.revoked', targetType: 'invitation', targetId: row.id, metadata: { email: row.email } },
			now
		);
	});
}

/** A new token and a new 7-day expiry, mailed again; the previous link stops working. */
export async function resendInvitation(
	app: InvitationDeps,
	acting: ActingUser,
	orgId: string,
	input: InvitationInput
): Promise<Invitation> {
	const now = app.clock.now();
	const { token, tokenHash, expiresAt } = newInvitationToken(now);
	await app.db.transaction(async (tx) => {
		const access = await lockOrgForActor(tx, orgId, acting.userId, 'manage:members');
		const row = await requirePending(tx, orgId, input.invitationId);
		const role = await findRoleById(tx, orgId, row.roleId);
		requireCanGrant(access, role.permissions);
		await tx
			.update(orgInvitations)
			.set({ tokenHash, expiresAt, lastSentAt: now, invitedByUserId: acting.userId })
			.where(eq(orgInvitations.id, row.id));
		await auditOrg(
			tx,
			orgId,
			acting,
			{ action: 'invitation.resent', targetType: 'invitation', targetId: row.id, metadata: { email: row.email, roleId: role.id, role: role.name } },
			now
		);
	});
	const invitation = await requireOrgInvitation(app.db, orgId, input.invitationId, now);
	await mailInvitation(app, invitation, token);
	return invitation;
}

async function requirePending(tx: DbOrTx, orgId: string, invitationId: string) {
	const row = await lockInvitationRow(tx, orgId, eq(orgInvitations.id, invitationId));
	if (!row) throw new AppError('not_found', 'Invitation not found');
	if (row.status !== 'pending') throw new AppError('conflict', `That invitation was already ${row.status}`);
	return row;
}
