/**
 * Two-factor authentication of an account: set up, turn on, turn off, new recovery codes.
 *
 * Policy:
 * - Setting up, turning on and regenerating codes need the session to have proved its user within the
 *   last 10 minutes (auth/reauth: 403 `reauthentication_required` otherwise). Turning off asks for the
 *   password (same limits as every re-entered password) and a current code or a recovery code.
 * - A setup is pending (a credential without enabledAt) until a code from it is confirmed; a new setup
 *   replaces a pending one; only a confirmed setup turns 2FA on, and it comes with 8 recovery codes.
 * - The secret and the codes are shown once, to the caller, and are never audited or logged.
 * - Every code check that proves the user (not the first code of a new setup, which proves only that
 *   the app was set up) counts against the 'totp' budget of the client address (5 a minute).
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import { requireRecentReauthentication, verifyReauthentication } from '../auth/reauth';
import type { AuthState, RequestMeta } from '../auth/types';
import { totpCredentials } from '../db/schema';
import { AppError } from '../errors';
import { enforceRateLimit } from '../ratelimit/limiter';
import { auditFailedCode, acceptTotp, advanceLastUsedStep, findTotpCredential, openTotpSecret, sealTotpSecret, verifySecondFactor } from './factor';
import { newRecoveryCodes, remainingRecoveryCodes, storeRecoveryCodes } from './recovery-codes';
import type { DisableTwoFactorInput, EnableTwoFactorInput, RegenerateRecoveryCodesInput } from './schemas';
import { encodeTotpSecret, generateTotpSecret, matchTotpStep, totpKeyUri, totpQrSvg } from './totp';


/** For an org owner's reset of a member's 2FA: deletes the credential and codes; the caller authorizes and audits. */
import { removeTwoFactor } from './remove';
export { removeTwoFactor } from './remove';

export type TwoFactorStatus = { enabled: boolean; enabledAt: Date | null; recoveryCodesRemaining: number };
export type TwoFactorSetup = { secret: string; otpauthUrl: string; qrSvg: string };
export type RecoveryCodesShown = { recoveryCodes: string[] };

const WRONG_CODE = 'code: That code is not right, or it was used already. Enter the next code your authenticator app shows (and check that its clock is right).';
const WRONG_CODE_OR_RECOVERY = 'code: That code is not right, or the recovery code was already used.';

/**
 * The 'totp' budget of a client address: the sign-in family's AUTH_RATE_LIMIT_PER_MINUTE (5 unless
 * configured; end-to-end tests, all from 127.0.0.1, raise it), counted apart from password sign-ins.
 */
export function enforceTotpRateLimit(app: AppContext, meta: RequestMeta, now: Date) {
	return enforceRateLimit(app, 'totp', meta.ipAddress, app.config.authRateLimitPerMinute, now);
}

function audit(app: AppContext, auth: AuthState, action: string, meta: RequestMeta, now: Date, metadata: Record<string, unknown> = {}) {
	return appendAccountAudit(app.db, { actor: { userId: auth.user.id, email: auth.user.email }, action, metadata, ipAddress: meta.ipAddress, userAgent: meta.userAgent }, now);
}

export async function twoFactorStatus(app: AppContext, auth: AuthState): Promise<TwoFactorStatus> {
	const credential = await findTotpCredential(app.db, auth.user.id);
	const enabledAt = credential?.enabledAt ?? null;
	return { enabled: enabledAt !== null, enabledAt, recoveryCodesRemaining: enabledAt ? await remainingRecoveryCodes(app.db, auth.user.id) : 0 };
}

function alreadyOn(): AppError {
	return new AppError('conflict', 'Two-factor authentication is already on. Turn it off first to set up another app.');
}

function notOn(): AppError {
	return new AppError('conflict', 'Two-factor authentication is not on for this account.');
}

/** How long the settings page shows the same pending secret again (reloads, a mistyped code) before making a new one. */
export const PENDING_SETUP_REUSE_SECONDS = 30 * 60;

/**
 * A new pending secret (replacing any pending one), with its key URI and QR code. With `reusePending`
 * (the settings page), a pending secret made in the last 30 minutes is shown again instead, so a
 * reload or a wrong code does not change the QR code the user has already scanned.
 */
export async function startTwoFactorSetup(app: AppContext, auth: AuthState, options: { reusePending?: boolean } = {}): Promise<TwoFactorSetup> {
	requireRecentReauthentication(app, auth);
	const now = app.clock.now();
	const userId = auth.user.id;
	if (options.reusePending) {
		const pending = await findTotpCredential(app.db, userId);
		if (pending?.enabledAt) throw alreadyOn();
		if (pending && now.getTime() - pending.createdAt.getTime() < PENDING_SETUP_REUSE_SECONDS * 1000) {
			return describeSetup(openTotpSecret(app, pending), auth.user.email);
		}
	}
	const secretBytes = generateTotpSecret();
	const secretEncrypted = sealTotpSecret(app, userId, encodeTotpSecret(secretBytes));
	const written = await app.db
		.insert(totpCredentials)
		.values({ userId, secretEncrypted, createdAt: now })
		.onConflictDoUpdate({
			target: totpCredentials.userId,
			set: { secretEncrypted, createdAt: now, lastUsedStep: null },
			// An active credential is never overwritten by a setup.
			setWhere: isNull(totpCredentials.enabledAt)
		})
		.returning({ userId: totpCredentials.userId });
	if (written.length === 0) throw alreadyOn();
	return describeSetup(secretBytes, auth.user.email);
}

async function describeSetup(secretBytes: Uint8Array, email: string): Promise<TwoFactorSetup> {
	const otpauthUrl = totpKeyUri(secretBytes, email);
	return { secret: encodeTotpSecret(secretBytes), otpauthUrl, qrSvg: await totpQrSvg(otpauthUrl) };
}

/** Confirms the pending setup with a code from it: 2FA is on, and the 8 recovery codes are shown once. */
export async function enableTwoFactor(app: AppContext, auth: AuthState, input: EnableTwoFactorInput, meta: RequestMeta): Promise<RecoveryCodesShown> {
	requireRecentReauthentication(app, auth);
	const now = app.clock.now();
	const credential = await findTotpCredential(app.db, auth.user.id);
	if (credential?.enabledAt) throw alreadyOn();
	if (!credential) throw new AppError('conflict', 'No setup is waiting for a code: start setting up two-factor authentication first.');
	const step = matchTotpStep(openTotpSecret(app, credential), input.code, now);
	if (step === null) {
		await auditFailedCode(app, auth.user, 'totp', 'enable', meta, now);
		throw new AppError('invalid_request', WRONG_CODE);
	}
	const fresh = await newRecoveryCodes();
	await app.db.transaction(async (tx) => {
		if (!(await advanceLastUsedStep(tx, auth.user.id, step, { enabled: false }))) throw alreadyOn();
		await tx
			.update(totpCredentials)
			.set({ enabledAt: now })
			.where(and(eq(totpCredentials.userId, auth.user.id), isNull(totpCredentials.enabledAt)));
		await storeRecoveryCodes(tx, auth.user.id, fresh, now);
	});
	await audit(app, auth, 'two_factor.enabled', meta, now);
	return { recoveryCodes: fresh.codes };
}

/** Turns 2FA off: the password, and a current code or an unused recovery code. */
export async function disableTwoFactor(app: AppContext, auth: AuthState, input: DisableTwoFactorInput, meta: RequestMeta): Promise<void> {
	await verifyReauthentication(app, auth.user, input.password, meta, { purpose: 'two_factor_disable', field: 'password' });
	const now = app.clock.now();
	if (!(await findTotpCredential(app.db, auth.user.id))?.enabledAt) throw notOn();
	await enforceTotpRateLimit(app, meta, now);
	if (!(await verifySecondFactor(app, auth.user, input.code, 'disable', meta, now))) throw new AppError('invalid_request', WRONG_CODE_OR_RECOVERY);
	await app.db.transaction((tx) => removeTwoFactor(tx, auth.user.id));
	await audit(app, auth, 'two_factor.disabled', meta, now);
}

/** Replaces the whole set of recovery codes (used and unused) and shows the new ones once. */
export async function regenerateRecoveryCodes(app: AppContext, auth: AuthState, input: RegenerateRecoveryCodesInput, meta: RequestMeta): Promise<RecoveryCodesShown> {
	requireRecentReauthentication(app, auth);
	const now = app.clock.now();
	if (!(await findTotpCredential(app.db, auth.user.id))?.enabledAt) throw notOn();
	await enforceTotpRateLimit(app, meta, now);
	if (!(await acceptTotp(app, auth.user.id, input.code, now))) {
		await auditFailedCode(app, auth.user, 'totp', 'regenerate_recovery_codes', meta, now);
		throw new AppError('invalid_request', WRONG_CODE);
	}
	const fresh = await newRecoveryCodes();
	await app.db.transaction((tx) => storeRecoveryCodes(tx, auth.user.id, fresh, now));
	await audit(app, auth, 'two_factor.recovery_codes_regenerated', meta, now);
	return { recoveryCodes: fresh.codes };
}
