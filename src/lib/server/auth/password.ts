/**
 * Password hashing policy: Argon2id, m=19456 KiB, t=2, p=1, 16-byte random salt (the library's
 * default salt length), stored as the standard `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` string.
 * Unknown accounts are verified against a dummy hash so they cost the same time as a wrong password.
 */
import { hash, verify } from '@node-rs/argon2';

// `Algorithm` is a const enum in the library's typings; 2 is its Argon2id member.
const ARGON2ID = 2;

export const ARGON2_PARAMS = {
	algorithm: ARGON2ID,
	memoryCost: 19456,
	timeCost: 2,
	parallelism: 1,
	outputLen: 32
} as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2_PARAMS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		// A malformed stored hash is a failed verification, never a crash that reveals anything.
		return false;
	}
}

let dummyHash: Promise<string> | undefined;

/** Spends the same Argon2id work as a real verification, for accounts that do not exist. */
export async function verifyAgainstDummy(password: string): Promise<false> {
	dummyHash ??= hashPassword('dummy password for timing equalisation 0');
	await verifyPassword(await dummyHash, password);
	return false;
}
