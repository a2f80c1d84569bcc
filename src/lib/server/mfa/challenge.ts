/**
 * The second step of a sign-in (the `mfaToken` of `POST /api/auth/login`).
 *
 * Policy:
 * - Issued only after a correct password, for an account with 2FA on. Token = `<id>.<secret>` (auth/tokens);
 *   only the SHA-256 of the secret is stored, compared in constant time.
 * - Lives MFA_CHALLENGE_TTL_SECONDS (5 minutes) and is redeemed at most once: redeeming is a conditional
 *   UPDATE (not yet consumed, not expired, attempts left), so two concurrent answers cannot both sign in.
 * - At most MFA_CHALLENGE_MAX_FAILURES wrong answers; the one that reaches it voids the challenge, and the
 *   user must start again from the password.
 * - A token that is malformed, unknown, expired, used up or voided reads as null: the caller answers one
 *   message for all of them and learns nothing about which.
 */
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { addSeconds } from '../clock';
import type { DbOrTx } from '../db/client';
import { mfaChallenges, users, type SignInMethod, type User } from '../db/schema';
import { startSession, type ApiTokens, type BrowserSignIn, type SessionKind } from '../auth/sign-in';
import { generateSecureRandomString, hashSecret, joinToken, secretMatches, splitToken } from '../auth/tokens';
import type { RequestMeta } from '../auth/types';
import { mfaMethodsFor } from './status';

export const MFA_CHALLENGE_TTL_SECONDS = 5 * 60;
export const MFA_CHALLENGE_MAX_FAILURES = 5;

export type MfaMethod = 'totp' | 'recovery_code' | 'passkey';

/** What a correct password answers for an account with 2FA on, instead of a session. */
export type MfaRequired = { mfaRequired: true; mfaToken: string; methods: MfaMethod[] };

export type MfaChallenge = typeof mfaChallenges.$inferSelect;

export async function issueMfaChallenge(db: DbOrTx, userId: string, sessionKind: SessionKind, now: Date): Promise<{ token: string; expiresAt: Date }> {
	const id = generateSecureRandomString();
	const secret = generateSecureRandomString();
	const expiresAt = addSeconds(now, MFA_CHALLENGE_TTL_SECONDS);
	await db.insert(mfaChallenges).values({ id, secretHash: hashSecret(secret), userId, sessionKind, createdAt: now, expiresAt });
	return { token: joinToken(id, secret), expiresAt };
}

/** The live challenge a token names, or null (see the policy above). */
export async function findLiveMfaChallenge(db: DbOrTx, token: string, now: Date): Promise<MfaChallenge | null> {
	const parts = splitToken(token);
	if (!parts) return null;
	const [row] = await db.select().from(mfaChallenges).where(eq(mfaChallenges.id, parts.id));
	if (!row || !secretMatches(parts.secret, row.secretHash)) return null;
	if (row.consumedAt || row.expiresAt.getTime() <= now.getTime() || row.failedAttempts >= MFA_CHALLENGE_MAX_FAILURES) return null;
	return row;
}

/** Counts a wrong answer; returns how many tries are left (0: the challenge is void). */
export async function recordMfaFailure(db: DbOrTx, challengeId: string): Promise<number> {
	const [row] = await db
		.update(mfaChallenges)
		.set({ failedAttempts: sql`${mfaChallenges.failedAttempts} + 1` })
		.where(eq(mfaChallenges.id, challengeId))
		.returning({ failedAttempts: mfaChallenges.failedAttempts });
	return Math.max(0, MFA_CHALLENGE_MAX_FAILURES - (row?.failedAttempts ?? MFA_CHALLENGE_MAX_FAILURES));
}

/** Marks the challenge used; false when another request got there first (or it just expired or was voided). */
async function consumeMfaChallenge(db: DbOrTx, challengeId: string, now: Date): Promise<boolean> {
	const consumed = await db
		.update(mfaChallenges)
		.set({ consumedAt: now })
		.where(
			and(
				eq(mfaChallenges.id, challengeId),
				isNull(mfaChallenges.consumedAt),
				gt(mfaChallenges.expiresAt, now),
				lt(mfaChallenges.failedAttempts, MFA_CHALLENGE_MAX_FAILURES)
			)
		)
		.returning({ id: mfaChallenges.id });
	return consumed.length === 1;
}

export type MfaSignIn = BrowserSignIn | ApiTokens;

/**
 * The end of a second step that was answered correctly: the challenge is consumed and the session it
 * was issued for is started, in one transaction. Null when the challenge was consumed or voided
 * meanwhile (the caller answers as for any dead token).
 */
export async function completeMfaSignIn(
	app: AppContext,
	challenge: MfaChallenge,
	method: SignInMethod,
	meta: RequestMeta,
	now: Date
): Promise<MfaSignIn | null> {
	return app.db.transaction(async (tx) => {
		if (!(await consumeMfaChallenge(tx, challenge.id, now))) return null;
		const [user] = await tx.select().from(users).where(eq(users.id, challenge.userId));
		if (!user) return null;
		return startSession(app, tx, user as User, challenge.sessionKind, method, meta, now);
	});
}

/** Expired and used challenges, for the maintenance sweep. */
export async function deleteDeadMfaChallenges(db: DbOrTx, now: Date): Promise<number> {
	const deleted = await db
		.delete(mfaChallenges)
		.where(lt(mfaChallenges.expiresAt, now))
		.returning({ id: mfaChallenges.id });
	return deleted.length;
}

/** How the live challenge a token names may be answered (the second-step page offers those), or null. */
export async function methodsForMfaToken(db: DbOrTx, token: string, now: Date): Promise<MfaMethod[] | null> {
	const challenge = await findLiveMfaChallenge(db, token, now);
	return challenge ? mfaMethodsFor(db, challenge.userId) : null;
}
