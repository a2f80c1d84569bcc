import { describe, expect, it } from 'vitest';
import { generateSecureRandomString, hashSecret, joinToken, secretMatches, splitToken } from '../../../src/lib/server/auth/tokens';

describe('session tokens', () => {
	it('are two 24-character halves from the unambiguous alphabet, never repeating', () => {
		const seen = new Set<string>();
		for (let i = 0; i < 1000; i++) {
			const s = generateSecureRandomString();
			expect(s).toMatch(/^[a-km-z2-9]{24}$/);
			seen.add(s);
		}
		expect(seen.size).toBe(1000);
	});

	it('store only a SHA-256 of the secret and match it', () => {
		const secret = generateSecureRandomString();
		const stored = hashSecret(secret);
		expect(stored).toMatch(/^[0-9a-f]{64}$/);
		expect(stored).not.toContain(secret);
		expect(secretMatches(secret, stored)).toBe(true);
	});

	it('refuse a wrong, empty or malformed secret or stored hash', () => {
		const stored = hashSecret('abc');
		expect(secretMatches('abd', stored)).toBe(false);
		expect(secretMatches('', stored)).toBe(false);
		expect(secretMatches('abc', null)).toBe(false);
		expect(secretMatches('abc', 'short')).toBe(false);
	});

	it('split only well-formed tokens', () => {
		const id = generateSecureRandomString();
		const secret = generateSecureRandomString();
		expect(splitToken(joinToken(id, secret))).toEqual({ id, secret });
		for (const bad of ['', id, `${id}.`, `${id}.${secret}.x`, `${id}.${secret.toUpperCase()}`, `${id}.${secret}0`, `../${id}.${secret}`]) {
			expect(splitToken(bad), bad).toBeNull();
		}
	});
});
