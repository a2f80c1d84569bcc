/**
 * Deleting one's own account.
 *
 * Policy:
 * - Needs the current password (auth/reauth: rate-limited, back-off, failures audited).
 * - Refused (409, `last_owner`) while the user is the only owner of any org, naming those orgs: an
 *   org must never be left without someone who can administer it. The orgs are locked first, so a
 *   concurrent ownership change cannot slip between the check and the deletion.
 * - Otherwise, in one transaction: a `member.account_deleted` row in each org's chain, every session
 *   ended (each browser is told why), and the user row deleted, which takes with it (ON DELETE
 *   CASCADE) their SSH keys, so the gateway admits none of them and ends any open SSH session at its
 *   next check, their memberships, reset tokens and pending email change. Invitations they sent stay
 *   (they are the org's; admins can still revoke them) and show no inviter.
 * - Audit rows stay: their actor fields are snapshots without a foreign key, so every chain still
 *   verifies. The account chain ends the user's story with `user.deleted`.
 */
import { asc, eq } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import { verifyReauthentication } from '../auth/reauth';
import { endSessions } from '../auth/session-endings';
import type { AuthState, RequestMeta } from '../auth/types';
import { memberships, roles, sessions, sshKeys, users } from '../db/schema';
import { AppError } from '../errors';
import { orgsSolelyOwnedBy, type SolelyOwnedOrg } from '../orgs/sole-owner';
import { auditOrg, lockOrg } from '../orgs/store';
import type { DeleteAccountInput } from './schemas';

export function lastOwnerMessage(orgs: readonly SolelyOwnedOrg[]): string {
	const names = new Intl.ListFormat('en', { type: 'conjunction' }).format(orgs.map((o) => o.name));
	return orgs.length === 1
		? `Transfer ownership of ${names} or delete it first: you are its last owner.`
		: `Transfer ownership of ${names} or delete them first: you are their last owner.`;
}

export async function deleteAccount(app: AppContext, auth: AuthState, input: DeleteAccountInput, meta: RequestMeta): Promise<void> {
	await verifyReauthentication(app, auth.user, input.currentPassword, meta, { purpose: 'account_deletion', field: 'currentPassword' });
	const now = app.clock.now();
	const { id: userId, email } = auth.user;
	await app.db.transaction(async (tx) => {
		const memberOf = await tx
			.select({ orgId: memberships.orgId, isOwner: memberships.isOwner, roleId: memberships.roleId, role: roles.name })
			.from(memberships)
			.innerJoin(roles, eq(roles.id, memberships.roleId))
			.where(eq(memberships.userId, userId))
			.orderBy(asc(memberships.orgId));
		// In id order, so two deletions sharing orgs cannot deadlock.
		for (const m of memberOf) await lockOrg(tx, m.orgId);
		const soleOwned = await orgsSolelyOwnedBy(tx, userId);
		if (soleOwned.length > 0) throw new AppError('conflict', lastOwnerMessage(soleOwned), { publicCode: 'last_owner' });

		const acting = { userId, email, request: meta };
		for (const m of memberOf) {
			await auditOrg(
				tx,
				m.orgId,
				acting,
				{ action: 'member.account_deleted', targetType: 'user', targetId: userId, metadata: { email, roleId: m.roleId, role: m.role, wasOwner: m.isOwner } },
				now
			);
		}
		const ended = await endSessions(tx, eq(sessions.userId, userId), 'account_deleted', now);
		const keys = await tx.select({ fingerprint: sshKeys.fingerprint }).from(sshKeys).where(eq(sshKeys.userId, userId));
		await tx.delete(users).where(eq(users.id, userId));
		await appendAccountAudit(
			tx,
			{
				actor: { userId, email },
				action: 'user.deleted',
				metadata: { endedSessions: ended.length, sshKeyFingerprints: keys.map((k) => k.fingerprint), orgs: memberOf.length },
				...meta
			},
			now
		);
	});
}
