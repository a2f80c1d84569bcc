/**
 * Password hashing policy: Argon2id, m=19456 KiB, t=2, p=1, 16-byte random salt (the library's
 * default salt length), stored as the standard `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` string.
 * Passwords are hashed in NFC (schemas normalizePassword). A hash made before that rule from a
 * non-NFC password still verifies: when the presented form is not NFC, the form as typed is tried
 * too, and a match asks the caller to rehash. The number of Argon2id runs depends only on the
 * presented password, never on whether the account exists: unknown accounts are checked against a
 * dummy hash the same way.
 */
import { hash, verify } from '@node-rs/argon2';
import { normalizePassword } from './schemas';

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
	return hash(normalizePassword(password), ARGON2_PARAMS);
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

export type PasswordCheck = { valid: boolean; rehash: boolean };

/** Checks a presented password against a stored hash, or against a dummy when there is no account. */
export async function checkPassword(storedHash: string | null, presented: string): Promise<PasswordCheck> {
	dummyHash ??= hashPassword('dummy password for timing equalisation 0');
	const target = storedHash ?? (await dummyHash);
	const normalized = normalizePassword(presented);
	const candidates = normalized === presented ? [normalized] : [normalized, presented];
	for (const [i, candidate] of candidates.entries()) {
		if ((await verifyPassword(target, candidate)) && storedHash !== null) return { valid: true, rehash: i > 0 };
	}
	return { valid: false, rehash: false };
}
