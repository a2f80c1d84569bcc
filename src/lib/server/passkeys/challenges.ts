/**
 * WebAuthn challenges.
 *
 * Policy:
 * - Every ceremony gets a fresh 32-byte random challenge (made by @simplewebauthn/server); only the
 *   SHA-256 hex of its base64url text is stored, with its purpose, its user and session where the
 *   ceremony belongs to one, and a 5-minute expiry.
 * - Redeemed at most once: the challenge is read out of the response's clientDataJSON and deleted by
 *   `DELETE ... WHERE challenge_hash = ? AND expires_at > now RETURNING`, so of two concurrent answers
 *   only one gets the row. A challenge of another purpose, user or session counts as no challenge.
 * - The exact challenge that was redeemed is what the signature is then verified against.
 */
import { and, eq, gt } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { addSeconds } from '../clock';
import type { DbOrTx } from '../db/client';
import { webauthnChallenges } from '../db/schema';
import { AppError } from '../errors';
import { hashSecret } from '../auth/tokens';

export const WEBAUTHN_CHALLENGE_TTL_SECONDS = 5 * 60;

export type ChallengePurpose = 'registration' | 'authentication' | 'reauthentication';
export type ChallengeBinding = { purpose: ChallengePurpose; userId: string | null; sessionId: string | null };

export async function storeChallenge(db: DbOrTx, challenge: string, binding: ChallengeBinding, now: Date): Promise<void> {
	await db.insert(webauthnChallenges).values({
		challengeHash: hashSecret(challenge),
		purpose: binding.purpose,
		userId: binding.userId,
		sessionId: binding.sessionId,
		createdAt: now,
		expiresAt: addSeconds(now, WEBAUTHN_CHALLENGE_TTL_SECONDS)
	});
}

export const CHALLENGE_DEAD_MESSAGE = 'This passkey request has expired or was already used. Try again.';

type ClientData = { challenge: string; origin: string | null };

/** The challenge the browser signed and the origin it named, as written in clientDataJSON; malformed: 400. */
export function clientDataOf(clientDataJSON: string): ClientData {
	try {
		const parsed = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown; origin?: unknown };
		const { challenge, origin } = parsed;
		if (typeof challenge === 'string' && challenge.length > 0 && challenge.length <= 256) {
			return { challenge, origin: typeof origin === 'string' ? origin : null };
		}
	} catch {
		// falls through to the same answer as a missing field
	}
	throw new AppError('invalid_request', 'response.clientDataJSON is not valid WebAuthn client data');
}

/**
 * Consumes the challenge the response answers and checks it was issued for this ceremony. Returns the
 * challenge text to verify against. Any mismatch answers the same as an unknown or expired challenge.
 */
export async function redeemChallenge(app: AppContext, clientDataJSON: string, expected: ChallengeBinding, now: Date): Promise<string> {
	const { challenge } = clientDataOf(clientDataJSON);
	const [row] = await app.db
		.delete(webauthnChallenges)
		.where(and(eq(webauthnChallenges.challengeHash, hashSecret(challenge)), gt(webauthnChallenges.expiresAt, now)))
		.returning();
	const matches = row && row.purpose === expected.purpose && row.userId === expected.userId && row.sessionId === expected.sessionId;
	if (!matches) throw new AppError('invalid_request', CHALLENGE_DEAD_MESSAGE, { publicCode: 'challenge_expired' });
	return challenge;
}
