/**
 * A user's own profile: what the Profile page shows, and the name change. Only ever the caller's
 * own row (the id comes from the session, never from input).
 */
import { eq } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import type { AuthState, AuthUser, RequestMeta } from '../auth/types';
import { toAuthUser } from '../auth/users';
import { users } from '../db/schema';
import { AppError } from '../errors';
import { orgsSolelyOwnedBy, type SolelyOwnedOrg } from '../orgs/sole-owner';
import { findPendingEmailChange, type PendingEmailChange } from './email-change';
import type { UpdateNameInput } from './schemas';

export type Profile = {
	name: string;
	email: string;
	createdAt: Date;
	pendingEmail: PendingEmailChange | null;
	/** Orgs that would be left without an owner: the account cannot be deleted while any is listed. */
	lastOwnerOf: SolelyOwnedOrg[];
};

export async function getProfile(app: Pick<AppContext, 'db' | 'clock'>, auth: AuthState): Promise<Profile> {
	const [pendingEmail, lastOwnerOf] = await Promise.all([findPendingEmailChange(app, auth.user.id), orgsSolelyOwnedBy(app.db, auth.user.id)]);
	return { name: auth.user.name, email: auth.user.email, createdAt: auth.user.createdAt, pendingEmail, lastOwnerOf };
}

export async function updateName(app: Pick<AppContext, 'db' | 'clock'>, auth: AuthState, input: UpdateNameInput, meta: RequestMeta): Promise<AuthUser> {
	const now = app.clock.now();
	return app.db.transaction(async (tx) => {
		const [user] = await tx.update(users).set({ name: input.name, updatedAt: now }).where(eq(users.id, auth.user.id)).returning();
		if (!user) throw new AppError('unauthorized', 'Sign in again');
		if (auth.user.name !== input.name) {
			await appendAccountAudit(tx, { actor: { userId: user.id, email: user.email }, action: 'user.name_changed', metadata: { previousName: auth.user.name, name: input.name }, ...meta }, now);
		}
		return { ...toAuthUser(user), isPlatformAdmin: auth.user.isPlatformAdmin };
	});
}
