/**
 * Password reset.
 *
 * Policy: requesting always answers the same and takes the same path, whatever the email: the
 * request counts against the per-address limit and queues one job (jobs/queue), nothing more; the
 * lookup, the token and the mail happen in that job, after the answer, so neither the answer nor its
 * timing says whether the account exists. The token is 160 bits of crypto randomness, valid
 * PASSWORD_RESET_TTL_SECONDS (30 minutes) from the request, single-use, stored only as its SHA-256.
 * A reset ends every session of the user and invalidates all their other outstanding reset tokens.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import { addSeconds } from '../clock';
import { passwordResetTokens, sessions, users } from '../db/schema';
import { AppError } from '../errors';
import { enforceAuthRateLimit } from '../ratelimit/limiter';
import { hashPassword } from './password';
import type { PasswordResetInput } from './schemas';
import { endSessions } from './session-endings';
import { generateSecureRandomString, hashSecret } from './tokens';
import type { RequestMeta } from './types';
import { findUserByEmail } from './users';

const INVALID_LINK = 'This reset link is invalid or has expired';

export async function requestPasswordReset(app: AppContext, email: string, meta: RequestMeta): Promise<void> {
	const now = app.clock.now();
	await enforceAuthRateLimit(app, 'password_reset', meta.ipAddress, now);
	app.jobs.enqueue('password_reset_mail', () => sendResetLink(app, email, meta, now));
}

/** The queued half of a request: nothing for an unknown email, else a token, the mail and an audit row. */
async function sendResetLink(app: AppContext, email: string, meta: RequestMeta, requestedAt: Date): Promise<void> {
	const user = await findUserByEmail(app.db, email);
	if (!user) return;
	const token = generateSecureRandomString(32);
	await app.db.insert(passwordResetTokens).values({
		userId: user.id,
		tokenHash: hashSecret(token),
		expiresAt: addSeconds(requestedAt, app.config.passwordResetTtlSeconds),
		createdAt: requestedAt
	});
	const link = new URL('/reset-password', app.config.appUrl);
	link.searchParams.set('token', token);
	const minutes = Math.round(app.config.passwordResetTtlSeconds / 60);
	await app.mailer.send({
		to: user.email,
		subject: 'Reset your oCore password',
		text: `Someone asked to reset the password of your oCore account.\n\nOpen this link within ${minutes} minutes to choose a new password:\n${link.href}\n\nIf it was not you, ignore this message; your password is unchanged.`
	});
	await appendAccountAudit(app.db, { actor: { userId: user.id, email: user.email }, action: 'user.password_reset_requested', ipAddress: meta.ipAddress, userAgent: meta.userAgent }, requestedAt);
}

export async function resetPassword(app: AppContext, input: PasswordResetInput, meta: RequestMeta): Promise<void> {
	const now = app.clock.now();
	await enforceAuthRateLimit(app, 'password_reset', meta.ipAddress, now);
	const passwordHash = await hashPassword(input.password);
	await app.db.transaction(async (tx) => {
		// Consuming the token and checking it are one statement, so it can be used only once.
		const [consumed] = await tx
			.update(passwordResetTokens)
			.set({ usedAt: now })
			.where(and(eq(passwordResetTokens.tokenHash, hashSecret(input.token)), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, now)))
			.returning({ userId: passwordResetTokens.userId });
		if (!consumed) throw new AppError('invalid_request', INVALID_LINK);
		const [user] = await tx
			.update(users)
			.set({ passwordHash, passwordChangedAt: now, updatedAt: now })
			.where(eq(users.id, consumed.userId))
			.returning();
		await tx.update(passwordResetTokens).set({ usedAt: now }).where(and(eq(passwordResetTokens.userId, consumed.userId), isNull(passwordResetTokens.usedAt)));
		const ended = await endSessions(tx, eq(sessions.userId, consumed.userId), 'password_reset', now);
		await appendAccountAudit(tx, { actor: { userId: user!.id, email: user!.email }, action: 'user.password_reset', metadata: { endedSessions: ended.length }, ipAddress: meta.ipAddress, userAgent: meta.userAgent }, now);
	});
}
