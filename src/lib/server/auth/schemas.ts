/** Input truth for accounts: shared by the REST facade, tRPC, form actions and tests. */
import { z } from 'zod';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

export const emailSchema = z
	.string({ error: 'Email is required' })
	.trim()
	.toLowerCase()
	.max(254, 'Email is too long')
	.pipe(z.email('Invalid email address'));

/**
 * The one normal form of a password: NFC, so "é" typed precomposed (most keyboards) or as e + U+0301
 * (some input methods, pasted text) is the same password. Applied before hashing and verifying.
 */
export function normalizePassword(password: string): string {
	return password.normalize('NFC');
}

/**
 * A new password (sign-up, reset, change). Refused: unpaired surrogates (not text; they would be
 * hashed as U+FFFD and collide), control characters (invisible, and typed differently per client),
 * and passwords of spaces only. The output is NFC.
 */
export const passwordSchema = z
	.string({ error: 'Password is required' })
	.refine((p) => !/\p{Cs}/u.test(p), { message: 'Password must not contain unpaired surrogate characters', abort: true })
	.transform(normalizePassword)
	.pipe(
		z
			.string()
			.min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters`)
			.max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters`)
			.refine((p) => !/\p{Cc}/u.test(p), { message: 'Password must not contain control characters', abort: true })
			.refine((p) => !/^\s*$/u.test(p), { message: 'Password must not be only spaces', abort: true })
			.refine((p) => /\p{L}/u.test(p), 'Password must contain at least one letter')
			.refine((p) => /\p{N}/u.test(p), 'Password must contain at least one number')
	);

/**
 * A password presented to prove who you are (sign-in, current password). No policy: a wrong password
 * is just wrong, whatever its shape, and one set before a rule existed must still be accepted.
 * auth/password normalises it (and tries the form as typed for hashes made before normalisation).
 */
export const presentedPasswordSchema = (required: string) =>
	z.string({ error: required }).min(1, required).max(PASSWORD_MAX_LENGTH, 'Password is too long');

export const nameSchema = z
	.string({ error: 'Name is required' })
	.trim()
	.min(1, 'Name is required')
	.max(100, 'Name must be at most 100 characters');

export const signupInput = z.object({ email: emailSchema, password: passwordSchema, name: nameSchema });
export type SignupInput = z.infer<typeof signupInput>;

/** Login does not apply the password policy: a wrong password is just wrong, whatever its shape. */
export const loginInput = z.object({
	email: emailSchema,
	password: presentedPasswordSchema('Password is required')
});
export type LoginInput = z.infer<typeof loginInput>;

export const refreshInput = z.object({ refreshToken: z.string({ error: 'refreshToken is required' }).min(1).max(512) });

export const passwordResetRequestInput = z.object({ email: emailSchema });

export const passwordResetInput = z.object({
	token: z.string({ error: 'Token is required' }).min(1).max(512),
	password: passwordSchema
});

export const changePasswordInput = z.object({
	currentPassword: presentedPasswordSchema('Current password is required'),
	newPassword: passwordSchema
});

export const sessionIdInput = z.object({ sessionId: z.string().min(1).max(128) });
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;
export type PasswordResetInput = z.infer<typeof passwordResetInput>;
