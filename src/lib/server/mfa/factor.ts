/**
 * Checking a user's second factor: a TOTP code or a recovery code.
 *
 * Policy:
 * - The TOTP secret is stored sealed (servers/secret-box, AES-256-GCM under SSH_ENCRYPTION_KEY) and
 *   bound to its row by the context `totp_credentials.secret:<userId>`; it is opened only in memory.
 * - A TOTP is accepted only for a step later than the last one accepted. The step is advanced by a
 *   conditional UPDATE (`last_used_step IS NULL OR last_used_step < step`), so of two concurrent
 *   requests carrying one code exactly one gets the row back, and a replayed code is refused.
 * - Recovery codes are consumed atomically (mfa/recovery-codes).
 * - Every failed check is written to the account's audit chain with what it was for, never the code;
 *   so is each use of a recovery code, with how many remain.
 * - Rate limits are the callers' (each front door knows its budget); this module only checks.
 */
import { and, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import type { RequestMeta } from '../auth/types';
import type { DbOrTx } from '../db/client';
import { totpCredentials, type TotpCredential } from '../db/schema';
import { keyringFromConfig, openSecret, sealSecret } from '../servers/secret-box';
import { consumeRecoveryCode, remainingRecoveryCodes } from './recovery-codes';
import { isTotpShaped } from './schemas';
import { decodeTotpSecret, matchTotpStep } from './totp';

/** What a code was checked for; recorded beside failures in the audit log. */
export type SecondFactorPurpose = 'sign_in' | 'reauthentication' | 'enable' | 'disable' | 'regenerate_recovery_codes';
export type SecondFactorUsed = 'totp' | 'recovery_code';
type Person = { id: string; email: string };

function secretContext(userId: string): string {
	return `totp_credentials.secret:${userId}`;
}

export function sealTotpSecret(app: AppContext, userId: string, base32Secret: string): string {
	return sealSecret(keyringFromConfig(app.config), base32Secret, secretContext(userId));
}

export function openTotpSecret(app: AppContext, credential: TotpCredential): Uint8Array {
	return decodeTotpSecret(openSecret(keyringFromConfig(app.config), credential.secretEncrypted, secretContext(credential.userId)));
}

export async function findTotpCredential(db: DbOrTx, userId: string): Promise<TotpCredential | null> {
	const [row] = await db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId));
	return row ?? null;
}

/**
 * Records `step` as the last accepted one, if it is later than the stored one. False when another
 * request already accepted this step (or a later one): the code must then be refused.
 */
export async function advanceLastUsedStep(db: DbOrTx, userId: string, step: number, options: { enabled: boolean }): Promise<boolean> {
	const enabledClause = options.enabled ? isNotNull(totpCredentials.enabledAt) : isNull(totpCredentials.enabledAt);
	const advanced = await db
		.update(totpCredentials)
		.set({ lastUsedStep: step })
		.where(
			and(
				eq(totpCredentials.userId, userId),
				enabledClause,
				or(isNull(totpCredentials.lastUsedStep), lt(totpCredentials.lastUsedStep, step))
			)
		)
		.returning({ userId: totpCredentials.userId });
	return advanced.length === 1;
}

/** A TOTP of the user's active (enabled) credential, accepted at most once. */
export async function acceptTotp(app: AppContext, userId: string, code: string, now: Date): Promise<boolean> {
	const credential = await findTotpCredential(app.db, userId);
	if (!credential?.enabledAt) return false;
	const step = matchTotpStep(openTotpSecret(app, credential), code, now);
	if (step === null) return false;
	return advanceLastUsedStep(app.db, userId, step, { enabled: true });
}

export async function auditFailedCode(app: AppContext, user: Person, kind: SecondFactorUsed, purpose: SecondFactorPurpose, meta: RequestMeta, now: Date) {
	await appendAccountAudit(
		app.db,
		{
			actor: { userId: user.id, email: user.email },
			action: kind === 'totp' ? 'two_factor.totp_failed' : 'two_factor.recovery_code_failed',
			metadata: { purpose },
			ipAddress: meta.ipAddress,
			userAgent: meta.userAgent
		},
		now
	);
}

/**
 * Checks a normalised code (secondFactorCodeSchema): 6 digits are a TOTP, 8 characters a recovery
 * code. Returns which one was used, or null (audited) when it is neither.
 */
export async function verifySecondFactor(
	app: AppContext,
	user: Person,
	code: string,
	purpose: SecondFactorPurpose,
	meta: RequestMeta,
	now: Date
): Promise<SecondFactorUsed | null> {
	const kind: SecondFactorUsed = isTotpShaped(code) ? 'totp' : 'recovery_code';
	const ok = kind === 'totp' ? await acceptTotp(app, user.id, code, now) : await consumeRecoveryCode(app.db, user.id, code, now);
	if (!ok) {
		await auditFailedCode(app, user, kind, purpose, meta, now);
		return null;
	}
	if (kind === 'recovery_code') {
		const remaining = await remainingRecoveryCodes(app.db, user.id);
		await appendAccountAudit(
			app.db,
			{ actor: { userId: user.id, email: user.email }, action: 'two_factor.recovery_code_used', metadata: { purpose, remaining }, ipAddress: meta.ipAddress, userAgent: meta.userAgent },
			now
		);
	}
	return kind;
}
