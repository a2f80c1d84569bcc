/**
 * Turning a user's 2FA off for them, without their codes: their TOTP credential (confirmed or pending)
 * and every recovery code go. Callers authorize and audit (an org owner's reset: orgs/two-factor.ts);
 * this only deletes, inside the caller's transaction.
 */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { recoveryCodes, totpCredentials } from '../db/schema';

/** Whether 2FA was on (a confirmed TOTP credential) before the removal. */
export async function removeTwoFactor(db: DbOrTx, userId: string): Promise<{ wasEnabled: boolean }> {
	const removed = await db.delete(totpCredentials).where(eq(totpCredentials.userId, userId)).returning({ enabledAt: totpCredentials.enabledAt });
	await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
	return { wasEnabled: removed.some((r) => r.enabledAt !== null) };
}
