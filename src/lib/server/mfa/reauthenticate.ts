/**
 * "Confirm access" (sudo mode): proving the user again inside a signed-in session, before a change of
 * sign-in factor. A password goes through auth/reauth verifyReauthentication (the sign-in limits and
 * back-off); a TOTP or recovery code through the 'totp' limit (5 a minute per address) and the same
 * single-use checks as at sign-in. Success stamps the session (markReauthenticated) for 10 minutes
 * and is audited with the method used; failures are audited by the checks themselves.
 */
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import { markReauthenticated, verifyReauthentication } from '../auth/reauth';
import type { AuthState, RequestMeta } from '../auth/types';
import { AppError } from '../errors';
import { verifySecondFactor } from './factor';
import type { ReauthenticateInput } from './schemas';
import { twoFactorEnabledAt } from './status';
import { enforceTotpRateLimit } from './two-factor';

export type ReauthMethod = 'password' | 'totp' | 'recovery_code';

export async function reauthenticate(app: AppContext, auth: AuthState, input: ReauthenticateInput, meta: RequestMeta): Promise<{ method: ReauthMethod }> {
	let method: ReauthMethod;
	if (input.password !== undefined) {
		await verifyReauthentication(app, auth.user, input.password, meta, { purpose: 'session_reauthentication', field: 'password' });
		method = 'password';
	} else {
		const now = app.clock.now();
		await enforceTotpRateLimit(app, meta, now);
		if (!(await twoFactorEnabledAt(app.db, auth.user.id))) {
			throw new AppError('invalid_request', 'code: Two-factor authentication is not on for this account; use your password.');
		}
		const used = await verifySecondFactor(app, auth.user, input.code ?? '', 'reauthentication', meta, now);
		if (!used) throw new AppError('invalid_request', 'code: That code is not right, or the recovery code was already used.');
		method = used;
	}
	const now = app.clock.now();
	await markReauthenticated(app.db, auth.session.id, now);
	await appendAccountAudit(
		app.db,
		{ actor: { userId: auth.user.id, email: auth.user.email }, action: 'auth.reauthenticated', metadata: { method }, ipAddress: meta.ipAddress, userAgent: meta.userAgent },
		now
	);
	return { method };
}
