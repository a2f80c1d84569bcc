/**
 * Rules that depend on the target as well as the actor, applied inside the service's transaction
 * after access.ts has authorized the actor (a concurrent removal of the actor makes the call not_found):
 * - only owners act on owners, transfer ownership or delete the org;
 * - nobody grants what they do not hold: a non-owner may not assign a role, or build a role, carrying
 *   a permission they lack (otherwise `manage:members` alone could escalate to everything);
 * - likewise a non-owner may not change or remove a member who holds permissions they lack.
 */
import { AppError } from '../errors';
import type { MembershipAccess } from './access';
import type { Permission } from './permissions';

export function requireOwner(access: MembershipAccess): void {
	if (!access.isOwner) throw new AppError('forbidden', 'Only an owner of this organization may do that');
}

/** Refuses to hand out permissions the actor does not hold themselves. */
export function requireCanGrant(access: MembershipAccess, permissions: readonly string[]): void {
	if (access.isOwner) return;
	const missing = permissions.filter((p) => !access.permissions.has(p as Permission));
	if (missing.length > 0) {
		throw new AppError('forbidden', `You cannot grant permissions you do not hold: ${missing.join(', ')}`);
	}
}

/** Owners are managed only by owners; other members only by someone holding all of their permissions. */
export function requireCanManageMember(
	access: MembershipAccess,
	target: { isOwner: boolean; rolePermissions: readonly string[] }
): void {
	if (target.isOwner) {
		if (!access.isOwner) throw new AppError('forbidden', 'Only an owner may change or remove an owner');
		return;
	}
	if (access.isOwner) return;
	const missing = target.rolePermissions.filter((p) => !access.permissions.has(p as Permission));
	if (missing.length > 0) {
		throw new AppError('forbidden', `You cannot manage a member holding permissions you do not hold: ${missing.join(', ')}`);
	}
}
