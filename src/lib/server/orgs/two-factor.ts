/**
 * An org's two-factor requirement, and an owner's reset of a member's 2FA.
 *
 * Policy:
 * - Owners and members holding manage:members switch the requirement. Turning it on is refused (409)
 *   while the acting user has no 2FA themselves, as GitHub does, so nobody locks themselves out by
 *   the switch. Enforcement is not here: it is the one access rule (access.ts).
 * - Only an owner resets a member's 2FA (their TOTP credential and recovery codes go), for a member of
 *   that org (another user id is not_found), never their own (they turn it off in Settings, with a
 *   code). The member then signs in with the password alone until they enable 2FA again. The reset
 *   is written to the org's chain and to the account chain, where the member's security log shows it;
 *   that row carries no IP address or browser of the owner.
 * Each change is audited in its own transaction, with the org row locked first (store.ts).
 */
import { and, count, eq, isNotNull, sql } from 'drizzle-orm';
import { appendAccountAudit } from '../audit/append';
import type { DbOrTx } from '../db/client';
import { memberships, organizations, totpCredentials } from '../db/schema';
import { AppError } from '../errors';
import { removeTwoFactor } from '../mfa/remove';
import { twoFactorEnabledAt } from '../mfa/status';
import { authorizeInOrg } from './access';
import { requireOwner } from './guards';
import type { MemberInput, SetTwoFactorRequirementInput } from './schemas';
import { auditOrg, lockOrg, requireMemberRow, type ActingUser, type OrgDeps } from './store';

export type TwoFactorRequirement = {
	requireTwoFactor: boolean;
	memberCount: number;
	/** Members who would be (or are) turned away while the requirement is on. */
	membersWithoutTwoFactor: number;
};

export async function twoFactorRequirementOf(db: DbOrTx, orgId: string): Promise<TwoFactorRequirement> {
	const [org] = await db.select({ requireTwoFactor: organizations.requireTwoFactor }).from(organizations).where(eq(organizations.id, orgId));
	if (!org) throw new AppError('not_found', 'Organization not found');
	const [counts] = await db
		.select({ members: count(), without: sql<number>`count(*) filter (where ${totpCredentials.userId} is null)`.mapWith(Number) })
		.from(memberships)
		.leftJoin(totpCredentials, and(eq(totpCredentials.userId, memberships.userId), isNotNull(totpCredentials.enabledAt)))
		.where(eq(memberships.orgId, orgId));
	return { requireTwoFactor: org.requireTwoFactor, memberCount: counts?.members ?? 0, membersWithoutTwoFactor: counts?.without ?? 0 };
}

export const OWN_TWO_FACTOR_FIRST =
	'Turn on two-factor authentication for your own account first (Settings > Security): requiring it without would lock you out of this organization';

export async function setTwoFactorRequirement(
	app: OrgDeps,
	acting: ActingUser,
	orgId: string,
	input: SetTwoFactorRequirementInput
): Promise<TwoFactorRequirement> {
	const now = app.clock.now();
	return app.db.transaction(async (tx) => {
		const org = await lockOrg(tx, orgId);
		await authorizeInOrg(tx, { orgId, userId: acting.userId, permission: 'manage:members' });
		if (org.requireTwoFactor === input.requireTwoFactor) return twoFactorRequirementOf(tx, orgId);
		if (input.requireTwoFactor && (await twoFactorEnabledAt(tx, acting.userId)) === null) {
			throw new AppError('conflict', OWN_TWO_FACTOR_FIRST, { publicCode: 'own_two_factor_required' });
		}
		await tx.update(organizations).set({ requireTwoFactor: input.requireTwoFactor }).where(eq(organizations.id, orgId));
		const state = await twoFactorRequirementOf(tx, orgId);
		await auditOrg(
			tx,
			orgId,
			acting,
			{
				action: 'org.two_factor_requirement_changed',
				targetType: 'org',
				targetId: orgId,
				metadata: { requireTwoFactor: input.requireTwoFactor, membersWithoutTwoFactor: state.membersWithoutTwoFactor }
			},
			now
		);
		return state;
	});
}

export async function resetMemberTwoFactor(app: OrgDeps, acting: ActingUser, orgId: string, input: MemberInput): Promise<{ userId: string }> {
	const now = app.clock.now();
	return app.db.transaction(async (tx) => {
		const org = await lockOrg(tx, orgId);
		requireOwner(await authorizeInOrg(tx, { orgId, userId: acting.userId }));
		if (input.userId === acting.userId) {
			throw new AppError('conflict', 'You cannot reset your own two-factor authentication here; turn it off in Settings > Security');
		}
		const target = await requireMemberRow(tx, orgId, input.userId);
		const { wasEnabled } = await removeTwoFactor(tx, target.userId);
		// Nothing to reset: refused, and the transaction drops any half-finished setup it deleted.
		if (!wasEnabled) throw new AppError('conflict', `${target.email} does not have two-factor authentication on`);
		await auditOrg(tx, orgId, acting, { action: 'member.two_factor_reset', targetType: 'user', targetId: target.userId, metadata: { email: target.email } }, now);
		await appendAccountAudit(
			tx,
			{
				actor: { userId: acting.userId, email: acting.email },
				action: 'user.two_factor_reset',
				targetType: 'user',
				targetId: target.userId,
				metadata: { email: target.email, orgId, orgName: org.name }
			},
			now
		);
		return { userId: target.userId };
	});
}
