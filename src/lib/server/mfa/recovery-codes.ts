/**
 * Recovery codes: the way back in when the authenticator is lost.
 *
 * Policy:
 * - 8 codes of 8 characters from [a-z0-9], each character drawn from the CSPRNG by rejection sampling
 *   (bytes >= 252 are redrawn, so every character is exactly equally likely): about 41 bits a code.
 * - Stored only as Argon2id hashes with the password parameters (auth/password). 41 bits is too little
 *   for a bare SHA-256: a stolen table would be reversed in hours on one GPU. An HMAC under a server
 *   key would stop that only while the key stays secret and would have to be recomputed on each key
 *   rotation; Argon2id needs no key at all, so it survives rotation, and a stolen table stays useless
 *   even to someone who also holds the server's keys (each guess costs ~19 MiB and tens of ms).
 * - Each code works once. Consuming is atomic: the matching unused row is found (Argon2id verify of each
 *   unused row), then `UPDATE ... SET used_at WHERE id AND used_at IS NULL RETURNING`: of two concurrent
 *   uses of one code, only one gets the row back. A used code keeps its row and is refused forever.
 * - Typed input is forgiving: spaces and hyphens are dropped and letters lower-cased before checking.
 */
import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { and, count, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { recoveryCodes } from '../db/schema';
import { ARGON2_PARAMS } from '../auth/password';

export const RECOVERY_CODE_COUNT = 8;
export const RECOVERY_CODE_LENGTH = 8;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** The largest multiple of 36 that fits in a byte: bytes at or above it would favour the first letters. */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

export function generateRecoveryCode(): string {
	let code = '';
	while (code.length < RECOVERY_CODE_LENGTH) {
		for (const byte of randomBytes(RECOVERY_CODE_LENGTH)) {
			if (byte >= UNBIASED_LIMIT) continue;
			code += ALPHABET[byte % ALPHABET.length];
			if (code.length === RECOVERY_CODE_LENGTH) break;
		}
	}
	return code;
}

/** "ABCD-1234", "abcd 1234" -> "abcd1234". */
export function normalizeRecoveryCode(input: string): string {
	return input.replace(/[\s-]+/g, '').toLowerCase();
}

export function looksLikeRecoveryCode(input: string): boolean {
	return /^[a-z0-9]{8}$/.test(normalizeRecoveryCode(input));
}

export type NewRecoveryCodes = { codes: string[]; hashes: string[] };

/** 8 new codes and their hashes (slow: done before any transaction opens). */
export async function newRecoveryCodes(): Promise<NewRecoveryCodes> {
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
	return { codes, hashes: await Promise.all(codes.map((code) => hash(code, ARGON2_PARAMS))) };
}

/** Replaces the user's whole set, used and unused, with the new hashes. */
export async function storeRecoveryCodes(db: DbOrTx, userId: string, fresh: NewRecoveryCodes, now: Date): Promise<void> {
	await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
	await db.insert(recoveryCodes).values(fresh.hashes.map((codeHash) => ({ userId, codeHash, createdAt: now })));
}

export async function remainingRecoveryCodes(db: DbOrTx, userId: string): Promise<number> {
	const [row] = await db
		.select({ n: count() })
		.from(recoveryCodes)
		.where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
	return row?.n ?? 0;
}

async function verifyQuietly(codeHash: string, code: string): Promise<boolean> {
	try {
		return await verify(codeHash, code);
	} catch {
		return false; // a malformed stored hash matches nothing
	}
}

/**
 * Uses up the code if it is one of the user's unused ones. True only for the request that marked it
 * used; false for a wrong code, a used one, or a concurrent request that got there first.
 */
export async function consumeRecoveryCode(db: DbOrTx, userId: string, input: string, now: Date): Promise<boolean> {
	const code = normalizeRecoveryCode(input);
	if (!/^[a-z0-9]{8}$/.test(code)) return false;
	const unused = await db
		.select({ id: recoveryCodes.id, codeHash: recoveryCodes.codeHash })
		.from(recoveryCodes)
		.where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
	// Every unused row is checked, match or not, so the time does not say which code it was.
	const matches = await Promise.all(unused.map((row) => verifyQuietly(row.codeHash, code)));
	const match = unused.find((_, i) => matches[i]);
	if (!match) return false;
	const used = await db
		.update(recoveryCodes)
		.set({ usedAt: now })
		.where(and(eq(recoveryCodes.id, match.id), isNull(recoveryCodes.usedAt)))
		.returning({ id: recoveryCodes.id });
	return used.length === 1;
}
