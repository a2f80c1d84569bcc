import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../src/lib/server/auth/password';
import { loginInput, signupInput } from '../../../src/lib/server/auth/schemas';

describe('password hashing', () => {
	it('uses Argon2id m=19456 t=2 p=1 with a 16-byte salt, in the standard string form', async () => {
		const stored = await hashPassword('correct horse 42');
		const m = stored.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/);
		expect(m, stored).not.toBeNull();
		expect(Buffer.from(m![1]!, 'base64').length).toBe(16);
		expect(await verifyPassword(stored, 'correct horse 42')).toBe(true);
		expect(await verifyPassword(stored, 'correct horse 43')).toBe(false);
		expect(await hashPassword('correct horse 42')).not.toBe(stored);
	});

	it('treats a corrupt stored hash as a failed check, not a crash', async () => {
		expect(await verifyPassword('not-a-hash', 'anything1')).toBe(false);
	});
});

describe('password policy', () => {
	const base = { email: 'a@example.com', name: 'A' };
	it.each([
		['short1', 'password: Password must be at least 8 characters'],
		['onlyletters', 'password: Password must contain at least one number'],
		['1234567890', 'password: Password must contain at least one letter'],
		['a1' + 'x'.repeat(255), 'password: Password must be at most 256 characters']
	])('refuses %s', (password, message) => {
		const r = signupInput.safeParse({ ...base, password });
		expect(r.success).toBe(false);
		expect(`${r.error!.issues[0]!.path.join('.')}: ${r.error!.issues[0]!.message}`).toBe(message);
	});

	it('accepts 8 to 256 characters with a letter and a number, unicode included', () => {
		expect(signupInput.safeParse({ ...base, password: 'abcdefg1' }).success).toBe(true);
		expect(signupInput.safeParse({ ...base, password: 'mötley crüe 2' }).success).toBe(true);
		expect(signupInput.safeParse({ ...base, password: 'a1' + 'x'.repeat(254) }).success).toBe(true);
	});

	it('normalises the email and does not apply the policy at sign-in', () => {
		expect(signupInput.parse({ ...base, email: '  Mixed@Example.COM ', password: 'abcdefg1' }).email).toBe('mixed@example.com');
		expect(loginInput.safeParse({ email: 'a@example.com', password: 'x' }).success).toBe(true);
		expect(loginInput.safeParse({ email: 'not-an-email', password: 'x' }).success).toBe(false);
	});
});
