/**
 * 2FA state for tests of the org side of 2FA. The TOTP enable flow is built separately, so these tests
 * turn 2FA on the way "2FA on" is defined (mfa/status.ts twoFactorEnabledAt): a totp_credentials row
 * with enabledAt set, written directly. The sealed secret is a placeholder; nothing here verifies codes.
 */
import { recoveryCodes, totpCredentials } from '../../src/lib/server/db/schema';
import type { DbOrTx } from '../../src/lib/server/db/client';

export async function turnOnTwoFactorInDb(db: DbOrTx, userId: string, now = new Date()): Promise<void> {
	await db.insert(totpCredentials).values({ userId, secretEncrypted: 'v1:test-placeholder-not-a-sealed-secret', enabledAt: now, createdAt: now });
	await db.insert(recoveryCodes).values(
		Array.from({ length: 8 }, () => ({ userId, codeHash: '$argon2id$v=19$m=19456,t=2,p=1$placeholder$placeholder', createdAt: now }))
	);
}

/** A setup that was started and never confirmed: 2FA is still off. */
export async function startTwoFactorSetupInDb(db: DbOrTx, userId: string, now = new Date()): Promise<void> {
	await db.insert(totpCredentials).values({ userId, secretEncrypted: 'v1:test-placeholder-pending', enabledAt: null, createdAt: now });
}
