import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { memberships, organizations } from '../db/schema';

export type SolelyOwnedOrg = { id: string; name: string; slug: string };

/**
 * The orgs in which this user is the only owner: while any exists, the user cannot go (leave, delete
 * the account) without leaving an org nobody can administer. Callers that act on the answer lock
 * the orgs first (store.lockOrg), as every other ownership change does.
 */
export async function orgsSolelyOwnedBy(db: DbOrTx, userId: string): Promise<SolelyOwnedOrg[]> {
	const otherOwners = sql<number>`(select count(*) from ${memberships} as other
		where other.org_id = ${memberships.orgId} and other.is_owner and other.user_id <> ${memberships.userId})`;
	return db
		.select({ id: organizations.id, name: organizations.name, slug: organizations.slug })
		.from(memberships)
		.innerJoin(organizations, eq(organizations.id, memberships.orgId))
		.where(and(eq(memberships.userId, userId), eq(memberships.isOwner, true), sql`${otherOwners} = 0`))
		.orderBy(organizations.name);
}
