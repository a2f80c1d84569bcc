/**
 * Session tokens, after the Lucia session guide: token = `<id>.<secret>`, each half 120 bits from
 * crypto randomness; only the SHA-256 of the secret is stored, and it is compared in constant time,
 * so a database leak yields no usable token and a timing probe learns nothing.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { decodeHex, encodeHexLowerCase } from '@oslojs/encoding';
import { getRandomValues } from 'node:crypto';

// Unambiguous lowercase alphabet of 32 symbols: each character carries 5 bits.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

export function generateSecureRandomString(length = 24): string {
	const bytes = new Uint8Array(length);
	getRandomValues(bytes);
	let out = '';
	for (const b of bytes) out += ALPHABET[b >> 3];
	return out;
}

export function hashSecret(secret: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Constant-time check of a presented secret against a stored hex hash. */
export function secretMatches(secret: string, storedHashHex: string | null): boolean {
	if (!storedHashHex || !HEX_SHA256.test(storedHashHex)) return false;
	return constantTimeEqual(decodeHex(hashSecret(secret)), decodeHex(storedHashHex));
}

/**
 * A refresh-token column holds the current secret's hash and, after the first rotation, the previous
 * one's: `<current>` or `<current>:<previous>`. Only the previous secret coming back proves a copy
 * exists; without it on record, any guessed secret would look like a replay and end the session.
 */
export type RefreshHashes = { current: string | null; previous: string | null };

export function parseRefreshHashes(column: string | null): RefreshHashes {
	const [current = null, previous = null] = column ? column.split(':') : [];
	return { current, previous };
}

export function formatRefreshHashes(current: string, previous: string | null): string {
	return previous ? `${current}:${previous}` : current;
}

export type SplitToken = { id: string; secret: string };

export function splitToken(token: string): SplitToken | null {
	const parts = token.split('.');
	if (parts.length !== 2) return null;
	const [id, secret] = parts as [string, string];
	if (!/^[a-z2-9]{24}$/.test(id) || !/^[a-z2-9]{24}$/.test(secret)) return null;
	return { id, secret };
}

export function joinToken(id: string, secret: string): string {
	return `${id}.${secret}`;
}
