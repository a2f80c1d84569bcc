/**
 * The second step of `ocore login` for an account with 2FA on: the code from `--totp`, or asked for on
 * the terminal. A TOTP is valid for about a minute, so it may be typed visibly; it is checked for shape
 * here (a typo fails at once, exit 2) and sent once. Without a terminal and without --totp there is
 * nobody to ask: that is a usage error naming the option.
 */
import { secondFactorCodeSchema } from '../lib/server/mfa/schemas';
import type { CliContext } from './context';
import { usageError } from './errors';
import { promptLine } from './password-input';

export async function readSecondFactorCode(ctx: CliContext, given: string | undefined): Promise<string> {
	let raw = given;
	if (raw === undefined) {
		if (!ctx.stdin.isTTY) throw usageError('This account has two-factor authentication on: pass the code from your authenticator app with --totp <code>');
		raw = await promptLine(ctx, 'Two-factor code (or a recovery code): ', { hidden: false });
	}
	const parsed = secondFactorCodeSchema.safeParse(raw);
	if (!parsed.success) throw usageError(`--totp: ${parsed.error.issues[0]?.message ?? 'Invalid code'}`);
	return parsed.data;
}
