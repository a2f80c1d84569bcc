import { describe, expect, it } from 'vitest';
import { hash } from '@node-rs/argon2';
import { ARGON2_PARAMS, checkPassword, hashPassword, verifyPassword } from '../../../src/lib/server/auth/password';
import { changePasswordInput, loginInput, passwordResetInput, signupInput } from '../../../src/lib/server/auth/schemas';

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

describe('password normalisation and refused characters', () => {
	const base = { email: 'a@example.com', name: 'A' };
	const decomposed = 'cafe\u0301 latte 42'; // "café" typed with a combining accent
	const composed = 'caf\u00e9 latte 42';

	it('stores new passwords in NFC, whichever form was typed', () => {
		expect(signupInput.parse({ ...base, password: decomposed }).password).toBe(composed);
		expect(passwordResetInput.parse({ token: 't', password: decomposed }).password).toBe(composed);
		expect(changePasswordInput.parse({ currentPassword: 'x', newPassword: decomposed }).newPassword).toBe(composed);
	});

	it.each([
		['lone surrogate', 'abcdefg1\ud800', 'password: Password must not contain unpaired surrogate characters'],
		['control character', 'abcdefg1\u0007', 'password: Password must not contain control characters'],
		['tab', 'abc\tdefg1', 'password: Password must not contain control characters'],
		['all spaces', ' '.repeat(12), 'password: Password must not be only spaces'],
		['all unicode spaces', '\u00a0\u2003'.repeat(5), 'password: Password must not be only spaces']
	])('refuses a %s with a message naming the field', (_what, password, message) => {
		const r = signupInput.safeParse({ ...base, password });
		expect(r.success).toBe(false);
		expect(`${r.error!.issues[0]!.path.join('.')}: ${r.error!.issues[0]!.message}`).toBe(message);
	});

	it('hashes the NFC form and accepts either typed form, flagging a hash made from a non-NFC password', async () => {
		const stored = await hashPassword(decomposed);
		expect(await checkPassword(stored, composed)).toEqual({ valid: true, rehash: false });
		expect(await checkPassword(stored, decomposed)).toEqual({ valid: true, rehash: false });
		// A hash made before normalisation, from the decomposed form as typed.
		const legacy = await hash(decomposed, ARGON2_PARAMS);
		expect(await checkPassword(legacy, decomposed)).toEqual({ valid: true, rehash: true });
		expect(await checkPassword(legacy, 'wrong latte 42')).toEqual({ valid: false, rehash: false });
		expect(await checkPassword(null, decomposed)).toEqual({ valid: false, rehash: false });
	});
});
