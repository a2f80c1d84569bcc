/**
 * Changing a user's email address.
 *
 * Policy:
 * - Asking needs the current password (auth/reauth: rate-limited, back-off, failures audited). An
 *   address that already has an account is refused (409), as sign-up refuses it.
 * - The change waits for a link mailed to the NEW address: a token of 32 characters from 32 random
 *   bytes (160 bits), stored only as its SHA-256, valid EMAIL_CHANGE_TTL_SECONDS (24 h), single-use.
 *   One pending change per user: a new request replaces the old one and its link stops working.
 *   Resending mails a fresh link (the old one stops working), at most once a minute.
 * - The OLD address is told twice, with the new address masked (n***@example.com): when the change
 *   is asked for, and when it is made, so an owner whose session was stolen hears of it.
 * - Confirming needs only the token (the link may be opened on another device); the address must
 *   still be free then, or the change is refused with 409 and the pending change dropped.
 * - Every step is written to the user's account audit chain; tokens never are.
 */
import { and, eq, gt } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import { verifyReauthentication } from '../auth/reauth';
import { generateSecureRandomString, hashSecret } from '../auth/tokens';
import type { AuthState, RequestMeta } from '../auth/types';
import { findUserByEmail } from '../auth/users';
import { addSeconds } from '../clock';
import { isUniqueViolation } from '../db/pg-errors';
import { emailChangeRequests, users } from '../db/schema';
import { AppError } from '../errors';
import { enforceAuthRateLimit } from '../ratelimit/limiter';
import { maskEmail } from './mask-email';
import type { RequestEmailChangeInput } from './schemas';

export const EMAIL_CHANGE_TTL_SECONDS = 24 * 60 * 60;
export const EMAIL_CHANGE_RESEND_INTERVAL_SECONDS = 60;

export const EMAIL_TAKEN = 'An account with this email already exists';
export const INVALID_EMAIL_LINK = 'This confirmation link is invalid or has expired';

export type PendingEmailChange = { email: string; expiresAt: Date; lastSentAt: Date };

function actorOf(auth: AuthState) {
	return { userId: auth.user.id, email: auth.user.email };
}

/** The user's pending change, unless it has expired. */
export async function findPendingEmailChange(app: Pick<AppContext, 'db' | 'clock'>, userId: string): Promise<PendingEmailChange | null> {
	const [row] = await app.db
		.select({ email: emailChangeRequests.newEmail, expiresAt: emailChangeRequests.expiresAt, lastSentAt: emailChangeRequests.lastSentAt })
		.from(emailChangeRequests)
		.where(and(eq(emailChangeRequests.userId, userId), gt(emailChangeRequests.expiresAt, app.clock.now())));
	return row ?? null;
}

async function mailConfirmationLink(app: AppContext, name: string, newEmail: string, token: string) {
	const link = new URL('/confirm-email', app.config.appUrl);
	link.searchParams.set('token', token);
	await app.mailer.send({
		to: newEmail,
		subject: 'Confirm your new oCore email address',
		text: `${name} asked to use this address (${newEmail}) for their oCore account.\n\nOpen this link within 24 hours to confirm it:\n${link.href}\n\nIf it was not you, ignore this message; nothing changes.`
	});
}

export async function requestEmailChange(app: AppContext, auth: AuthState, input: RequestEmailChangeInput, meta: RequestMeta): Promise<PendingEmailChange> {
	await verifyReauthentication(app, auth.user, input.currentPassword, meta, { purpose: 'email_change', field: 'currentPassword' });
	const now = app.clock.now();
	if (input.email === auth.user.email) throw new AppError('invalid_request', 'email: This is already your email address');
	if (await findUserByEmail(app.db, input.email)) throw new AppError('conflict', `email: ${EMAIL_TAKEN}`);
	const token = generateSecureRandomString(32);
	const row = { newEmail: input.email, tokenHash: hashSecret(token), expiresAt: addSeconds(now, EMAIL_CHANGE_TTL_SECONDS), createdAt: now, lastSentAt: now };
	await app.db.transaction(async (tx) => {
		await tx.insert(emailChangeRequests).values({ userId: auth.user.id, ...row }).onConflictDoUpdate({ target: emailChangeRequests.userId, set: row });
		await appendAccountAudit(tx, { actor: actorOf(auth), action: 'user.email_change_requested', metadata: { newEmail: input.email }, ...meta }, now);
	});
	await mailConfirmationLink(app, auth.user.name, input.email, token);
	const settings = new URL('/settings/security', app.config.appUrl);
	await app.mailer.send({
		to: auth.user.email,
		subject: 'Your oCore email address is about to change',
		text: `Someone asked to change the email address of your oCore account to ${maskEmail(input.email)}. Nothing changes until the link sent to that address is opened.\n\nIf it wasn't you, change your password and sign out your other sessions now:\n${settings.href}`
	});
	return { email: input.email, expiresAt: row.expiresAt, lastSentAt: now };
}

/** A fresh link for the pending change (the previous one stops working), at most once a minute. */
export async function resendEmailChange(app: AppContext, auth: AuthState): Promise<PendingEmailChange> {
	const now = app.clock.now();
	const pending = await findPendingEmailChange(app, auth.user.id);
	if (!pending) throw new AppError('not_found', 'No email change is waiting for confirmation');
	const waitSeconds = EMAIL_CHANGE_RESEND_INTERVAL_SECONDS - (now.getTime() - pending.lastSentAt.getTime()) / 1000;
	if (waitSeconds > 0) throw new AppError('rate_limited', 'A link was sent a moment ago.', { retryAfterSeconds: Math.ceil(waitSeconds) });
	const token = generateSecureRandomString(32);
	const expiresAt = addSeconds(now, EMAIL_CHANGE_TTL_SECONDS);
	await app.db.update(emailChangeRequests).set({ tokenHash: hashSecret(token), expiresAt, lastSentAt: now }).where(eq(emailChangeRequests.userId, auth.user.id));
	await mailConfirmationLink(app, auth.user.name, pending.email, token);
	return { email: pending.email, expiresAt, lastSentAt: now };
}

export async function cancelEmailChange(app: AppContext, auth: AuthState, meta: RequestMeta): Promise<void> {
	const now = app.clock.now();
	await app.db.transaction(async (tx) => {
		const [dropped] = await tx.delete(emailChangeRequests).where(eq(emailChangeRequests.userId, auth.user.id)).returning();
		if (!dropped) return;
		await appendAccountAudit(tx, { actor: actorOf(auth), action: 'user.email_change_cancelled', metadata: { newEmail: dropped.newEmail }, ...meta }, now);
	});
}

type Confirmation = { kind: 'changed'; name: string; previousEmail: string; email: string } | { kind: 'invalid' } | { kind: 'taken' };

/** Applies the change named by a mailed token. The token is consumed whatever the outcome. */
export async function confirmEmailChange(app: AppContext, token: string, meta: RequestMeta): Promise<{ email: string }> {
	const now = app.clock.now();
	await enforceAuthRateLimit(app, 'email_confirm', meta.ipAddress, now);
	let outcome: Confirmation;
	try {
		outcome = await app.db.transaction(async (tx): Promise<Confirmation> => {
			// Consuming and checking are one statement, so a link works once.
			const [request] = await tx
				.delete(emailChangeRequests)
				.where(and(eq(emailChangeRequests.tokenHash, hashSecret(token)), gt(emailChangeRequests.expiresAt, now)))
				.returning();
			if (!request) return { kind: 'invalid' };
			if (await findUserByEmail(tx, request.newEmail)) return { kind: 'taken' };
			const [before] = await tx.select().from(users).where(eq(users.id, request.userId)).for('update');
			if (!before) return { kind: 'invalid' };
			await tx.update(users).set({ email: request.newEmail, updatedAt: now }).where(eq(users.id, request.userId));
			await appendAccountAudit(
				tx,
				{ actor: { userId: before.id, email: request.newEmail }, action: 'user.email_changed', metadata: { previousEmail: before.email, newEmail: request.newEmail }, ...meta },
				now
			);
			return { kind: 'changed', name: before.name, previousEmail: before.email, email: request.newEmail };
		});
	} catch (err) {
		// Taken between the check and the update by a concurrent sign-up or change.
		if (isUniqueViolation(err, 'users_email_unique')) throw new AppError('conflict', `${EMAIL_TAKEN}; the change was not made`);
		throw err;
	}
	if (outcome.kind === 'invalid') throw new AppError('invalid_request', INVALID_EMAIL_LINK);
	if (outcome.kind === 'taken') throw new AppError('conflict', `${EMAIL_TAKEN}; the change was not made`);
	await app.mailer.send({
		to: outcome.previousEmail,
		subject: 'Your oCore email address was changed',
		text: `The email address of your oCore account (${outcome.name}) was changed to ${maskEmail(outcome.email)}. Sign in with that address from now on; this one no longer receives mail about the account.\n\nIf it wasn't you, contact the administrator of this oCore server at once.`
	});
	return { email: outcome.email };
}
