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

export const passwordSchema = z
	.string({ error: 'Password is required' })
	.min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters`)
	.max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters`)
	.refine((p) => /\p{L}/u.test(p), 'Password must contain at least one letter')
	.refine((p) => /\p{N}/u.test(p), 'Password must contain at least one number');

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
	password: z.string({ error: 'Password is required' }).min(1, 'Password is required').max(PASSWORD_MAX_LENGTH, 'Password is too long')
});
export type LoginInput = z.infer<typeof loginInput>;

export const refreshInput = z.object({ refreshToken: z.string({ error: 'refreshToken is required' }).min(1).max(512) });

export const passwordResetRequestInput = z.object({ email: emailSchema });

export const passwordResetInput = z.object({
	token: z.string({ error: 'Token is required' }).min(1).max(512),
	password: passwordSchema
});

export const changePasswordInput = z.object({
	currentPassword: z.string({ error: 'Current password is required' }).min(1).max(PASSWORD_MAX_LENGTH),
	newPassword: passwordSchema
});

export const sessionIdInput = z.object({ sessionId: z.string().min(1).max(128) });
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;
export type PasswordResetInput = z.infer<typeof passwordResetInput>;
