/**
 * Accounts: sign-up, sign-in (browser cookie or API tokens), refresh, sign-out, password change.
 *
 * Policy:
 * - No account enumeration: an unknown email and a wrong password both answer 401 "Invalid email or
 *   password" after the same Argon2id work. Sign-up of a taken email answers 409, as the contract
 *   needs; it is rate-limited like sign-in so it cannot be used to scan for accounts at speed.
 * - Sign-in, sign-up and reset are limited per client IP (ratelimit/limiter), and failures back off
 *   per (email, IP) (ratelimit/backoff). Re-entering the password inside a session goes through
 *   auth/reauth, under the same limits.
 * - With 2FA on, a right password alone starts no session: it answers MfaRequired (mfa/challenge).
 * - Every outcome that matters is written to the audit log; secrets never are.
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import type { DbOrTx } from '../db/client';
import { isUniqueViolation } from '../db/pg-errors';
import { sessions, users } from '../db/schema';
import { AppError } from '../errors';
import { assertNotBackedOff, clearFailures, recordFailure, type BackoffSubject } from '../ratelimit/backoff';
import { enforceAuthRateLimit } from '../ratelimit/limiter';
import { signAccessToken } from './jwt';
import { checkPassword, hashPassword } from './password';
import { verifyReauthentication } from './reauth';
import type { ChangePasswordInput, LoginInput, SignupInput } from './schemas';
import { endSessions } from './session-endings';
import { deleteSession, rotateRefreshToken } from './session-store';
import { startSession, type ApiTokens, type BrowserSignIn, type SessionKind } from './sign-in';
import { issueMfaChallenge, type MfaRequired } from '../mfa/challenge';
import { mfaMethodsFor, twoFactorEnabledAt } from '../mfa/status';
import type { AuthState, AuthUser, RequestMeta } from './types';
import { hashSecret } from './tokens';
import { findUserByEmail, findUserById, toAuthUser, upgradePasswordHash } from './users';

const INVALID_CREDENTIALS = 'Invalid email or password';

export async function signup(app: AppContext, input: SignupInput, meta: RequestMeta): Promise<AuthUser> {
	const now = app.clock.now();
	await enforceAuthRateLimit(app, 'signup', meta.ipAddress, now);
	const passwordHash = await hashPassword(input.password);
	try {
		return await app.db.transaction(async (tx) => {
			const isPlatformAdmin = (await isFirstAccount(tx)) || app.config.adminEmails.includes(input.email);
			const [user] = await tx
				.insert(users)
				.values({ email: input.email, name: input.name, passwordHash, isPlatformAdmin, createdAt: now, updatedAt: now, passwordChangedAt: now })
				.returning();
			await appendAccountAudit(tx, { actor: { userId: user!.id, email: user!.email }, action: 'user.signed_up', ...auditMeta(meta) }, now);
			return toAuthUser(user!);
		});
	} catch (err) {
		if (isUniqueViolation(err, 'users_email_unique')) throw new AppError('conflict', 'An account with this email already exists');
		throw err;
	}
}

/**
 * The first account of a fresh install administers it (reads the outbox); so do ADMIN_EMAILS.
 * Concurrent sign-ups on an empty database would each see it empty, so the empty case is decided
 * under a transaction-scoped advisory lock held until the caller's insert commits: the next one to
 * take the lock sees that row. Once any account exists, no lock is taken.
 */
async function isFirstAccount(tx: DbOrTx): Promise<boolean> {
	if (await hasAnyAccount(tx)) return false;
	await tx.execute(sql`select pg_advisory_xact_lock(hashtext('ocore:first-account'))`);
	return !(await hasAnyAccount(tx));
}

/** Whether anyone has signed up yet (the start-up banner tells an operator who will become admin). */
export async function hasAnyAccount(db: DbOrTx): Promise<boolean> {
	return (await db.select({ id: users.id }).from(users).limit(1)).length > 0;
}

function auditMeta(meta: RequestMeta) {
	return { ipAddress: meta.ipAddress, userAgent: meta.userAgent };
}

/**
 * The shared first half of every sign-in: limits, back-off, and one password check. A failure takes
 * the same path whether the email has an account or not (same Argon2id work, same back-off row, one
 * audit row naming no account, only the SHA-256 of the email as typed for an operator to match).
 */
async function authenticatePassword(app: AppContext, input: LoginInput, meta: RequestMeta, now: Date) {
	await enforceAuthRateLimit(app, 'login', meta.ipAddress, now);
	const subject: BackoffSubject = { kind: 'login', email: input.email, clientIp: meta.ipAddress };
	await assertNotBackedOff(app, subject, now);
	const user = await findUserByEmail(app.db, input.email);
	const check = await checkPassword(user?.passwordHash ?? null, input.password);
	if (!user || !check.valid) {
		await recordFailure(app, subject, now);
		await appendAccountAudit(app.db, { actor: null, action: 'auth.login_failed', metadata: { emailSha256: hashSecret(input.email) }, ...auditMeta(meta) }, now);
		throw new AppError('invalid_credentials', INVALID_CREDENTIALS);
	}
	if (check.rehash) await upgradePasswordHash(app.db, user.id, input.password, now);
	await clearFailures(app, subject);
	return user;
}

/**
 * The password step of a sign-in. An account without 2FA gets its session now; one with 2FA gets an
 * mfa challenge instead (mfa/challenge), answered at `POST /api/auth/totp/verify` or /login/two-factor.
 */
async function signInWithPassword<K extends SessionKind>(app: AppContext, kind: K, input: LoginInput, meta: RequestMeta) {
	const now = app.clock.now();
	const user = await authenticatePassword(app, input, meta, now);
	if (await twoFactorEnabledAt(app.db, user.id)) {
		const { token } = await issueMfaChallenge(app.db, user.id, kind, now);
		const required: MfaRequired = { mfaRequired: true, mfaToken: token, methods: await mfaMethodsFor(app.db, user.id) };
		return required;
	}
	return app.db.transaction((tx) => startSession(app, tx, user, kind, 'password', meta, now));
}

export function loginBrowser(app: AppContext, input: LoginInput, meta: RequestMeta): Promise<BrowserSignIn | MfaRequired> {
	return signInWithPassword(app, 'browser', input, meta);
}

export function loginApi(app: AppContext, input: LoginInput, meta: RequestMeta): Promise<ApiTokens | MfaRequired> {
	return signInWithPassword(app, 'api', input, meta);
}

export function isMfaRequired(result: object): result is MfaRequired {
	return 'mfaRequired' in result && result.mfaRequired === true;
}

export async function refreshApiSession(app: AppContext, refreshToken: string, meta: RequestMeta): Promise<ApiTokens> {
	const now = app.clock.now();
	const result = await rotateRefreshToken(app, refreshToken, meta, now);
	if (result.kind === 'replayed') {
		// A rotated token came back: someone holds a copy. End the session for both holders.
		await deleteSession(app.db, result.session.id);
		const user = await findUserById(app.db, result.session.userId);
		await appendAccountAudit(app.db, { actor: user ? { userId: user.id, email: user.email } : null, action: 'session.revoked', metadata: { reason: 'refresh_token_reuse' }, ...auditMeta(meta) }, now);
	}
	if (result.kind !== 'rotated') throw new AppError('unauthorized', 'Invalid or expired refresh token');
	const user = await findUserById(app.db, result.session.userId);
	if (!user) throw new AppError('unauthorized', 'Invalid or expired refresh token');
	const accessToken = signAccessToken(app.config.jwtSecret, { userId: user.id, sessionId: result.session.id }, now, app.config.accessTokenTtlSeconds);
	return { accessToken, refreshToken: result.refreshToken, expiresIn: app.config.accessTokenTtlSeconds, user: toAuthUser(user) };
}

export async function logout(app: AppContext, auth: AuthState, meta: RequestMeta): Promise<void> {
	const now = app.clock.now();
	await app.db.transaction(async (tx) => {
		await deleteSession(tx, auth.session.id);
		await appendAccountAudit(tx, { actor: { userId: auth.user.id, email: auth.user.email }, action: 'auth.logout', ...auditMeta(meta) }, now);
	});
}

/** Changing the password keeps the current session and ends every other one. */
export async function changePassword(app: AppContext, auth: AuthState, input: ChangePasswordInput, meta: RequestMeta): Promise<{ endedSessions: number }> {
	await verifyReauthentication(app, auth.user, input.currentPassword, meta, { purpose: 'password_change', field: 'currentPassword' });
	const now = app.clock.now();
	const user = auth.user;
	const passwordHash = await hashPassword(input.newPassword);
	return app.db.transaction(async (tx) => {
		await tx.update(users).set({ passwordHash, passwordChangedAt: now, updatedAt: now }).where(eq(users.id, user.id));
		const ended = await endSessions(tx, and(eq(sessions.userId, user.id), ne(sessions.id, auth.session.id)), 'password_changed', now);
		await appendAccountAudit(tx, { actor: { userId: user.id, email: user.email }, action: 'user.password_changed', metadata: { endedSessions: ended.length }, ...auditMeta(meta) }, now);
		return { endedSessions: ended.length };
	});
}
