/**
 * The opening every mutating member or role service shares: lock the org row, then re-check inside
 * that transaction that the actor is still a member holding the permission. Locking first is what
 * serialises concurrent changes of one org (store.ts), so the order matters.
 */
import type { DbOrTx } from '../db/client';
import { authorizeInOrg, type MembershipAccess } from './access';
import type { Permission } from './permissions';
import { lockOrg } from './store';

/** The actor's access, for the guards that also depend on the target (requireCanGrant and the like). */
export async function lockOrgForActor(tx: DbOrTx, orgId: string, userId: string, permission: Permission): Promise<MembershipAccess> {
	await lockOrg(tx, orgId);
	return authorizeInOrg(tx, { orgId, userId, permission });
}
