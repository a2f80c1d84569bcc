/**
 * Whether accounts have two-factor authentication on: a confirmed TOTP setup. (A passkey is a
 * sign-in method of its own and also answers a 2FA step, but an account counts as "2FA on" only once
 * it has the TOTP factor and its recovery codes, so that losing one device never locks it out.)
 */
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { passkeys, totpCredentials } from '../db/schema';
import type { MfaMethod } from './challenge';

export async function twoFactorEnabledAt(db: DbOrTx, userId: string): Promise<Date | null> {
	const [row] = await db
		.select({ enabledAt: totpCredentials.enabledAt })
		.from(totpCredentials)
		.where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.enabledAt)));
	return row?.enabledAt ?? null;
}

/** The subset of `userIds` with 2FA on (for member lists). */
export async function usersWithTwoFactor(db: DbOrTx, userIds: readonly string[]): Promise<Set<string>> {
	if (userIds.length === 0) return new Set();
	const rows = await db
		.select({ userId: totpCredentials.userId })
		.from(totpCredentials)
		.where(and(inArray(totpCredentials.userId, [...userIds]), isNotNull(totpCredentials.enabledAt)));
	return new Set(rows.map((r) => r.userId));
}

/** The ways an account with 2FA on can answer the second step of a sign-in. */
export async function mfaMethodsFor(db: DbOrTx, userId: string): Promise<MfaMethod[]> {
	const [passkey] = await db.select({ id: passkeys.id }).from(passkeys).where(eq(passkeys.userId, userId)).limit(1);
	return passkey ? ['totp', 'recovery_code', 'passkey'] : ['totp', 'recovery_code'];
}
