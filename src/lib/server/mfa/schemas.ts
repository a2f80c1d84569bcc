/** Input truth for two-factor authentication: shared by the REST facade, tRPC, form actions, the CLI and tests. */
import { z } from 'zod';
import { presentedPasswordSchema } from '../auth/schemas';

const TOTP_MESSAGE = 'Enter the 6-digit code from your authenticator app';
const CODE_MESSAGE = 'Enter the 6-digit code from your authenticator app or an 8-character recovery code';

const withoutSeparators = (s: string) => s.replace(/[\s-]+/g, '');

/** A 6-digit TOTP; spaces are allowed ("123 456", as some apps show it). */
export const totpCodeSchema = z
	.string({ error: TOTP_MESSAGE })
	.max(32, TOTP_MESSAGE)
	.transform(withoutSeparators)
	.pipe(z.string().regex(/^\d{6}$/, TOTP_MESSAGE));

/**
 * A second-factor answer: a 6-digit TOTP or an 8-character recovery code (any case, spaces and hyphens
 * ignored). The output is the normal form: 6 digits, or 8 lowercase characters.
 */
export const secondFactorCodeSchema = z
	.string({ error: CODE_MESSAGE })
	.max(32, CODE_MESSAGE)
	.transform((s) => withoutSeparators(s).toLowerCase())
	.pipe(z.string().regex(/^(\d{6}|[a-z0-9]{8})$/, CODE_MESSAGE));

export const mfaTokenSchema = z.string({ error: 'mfaToken is required' }).min(1, 'mfaToken is required').max(512, 'mfaToken is too long');

/** The settings page's setup: show a recent pending secret again rather than make a new one. */
export const twoFactorSetupInput = z.object({ reusePending: z.boolean().optional() }).optional();
export const enableTwoFactorInput = z.object({ code: totpCodeSchema });
export const regenerateRecoveryCodesInput = z.object({ code: totpCodeSchema });
export const disableTwoFactorInput = z.object({ password: presentedPasswordSchema('Password is required'), code: secondFactorCodeSchema });
export const totpVerifyInput = z.object({ mfaToken: mfaTokenSchema, code: secondFactorCodeSchema });

/** Re-authentication ("confirm access") with the password or with a second-factor code, exactly one. */
export const reauthenticateInput = z
	.object({ password: presentedPasswordSchema('Password is required').optional(), code: secondFactorCodeSchema.optional() })
	.refine((v) => (v.password === undefined) !== (v.code === undefined), { message: 'Give either password or code' });

export type EnableTwoFactorInput = z.infer<typeof enableTwoFactorInput>;
export type DisableTwoFactorInput = z.infer<typeof disableTwoFactorInput>;
export type RegenerateRecoveryCodesInput = z.infer<typeof regenerateRecoveryCodesInput>;
export type TotpVerifyInput = z.infer<typeof totpVerifyInput>;
export type ReauthenticateInput = z.infer<typeof reauthenticateInput>;

export function isTotpShaped(code: string): boolean {
	return /^\d{6}$/.test(code);
}
