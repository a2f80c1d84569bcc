/**
 * The last step of every sign-in, whatever proved the user (a password alone, a password and a
 * second factor, a passkey): one session row, of the kind the caller asked for, recording how it
 * signed in, and one `auth.login` audit row saying the same. Both are written in one transaction.
 */
import type { AppContext } from '../app-context';
import { appendAccountAudit } from '../audit/append';
import type { DbOrTx } from '../db/client';
import type { SignInMethod, User } from '../db/schema';
import { signAccessToken } from './jwt';
import { createApiSession, createBrowserSession } from './session-store';
import type { AuthUser, RequestMeta } from './types';
import { toAuthUser } from './users';

export type BrowserSignIn = { user: AuthUser; sessionToken: string; expiresAt: Date };
export type ApiTokens = { accessToken: string; refreshToken: string; expiresIn: number; user: AuthUser };
export type SessionKind = 'browser' | 'api';

type SignedInAs<K extends SessionKind> = K extends 'browser' ? BrowserSignIn : ApiTokens;

export async function startSession<K extends SessionKind>(
	app: AppContext,
	db: DbOrTx,
	user: User,
	kind: K,
	method: SignInMethod,
	meta: RequestMeta,
	now: Date
): Promise<SignedInAs<K>> {
	const audit = { actor: { userId: user.id, email: user.email }, action: 'auth.login', metadata: { kind, method }, ipAddress: meta.ipAddress, userAgent: meta.userAgent };
	if (kind === 'browser') {
		const { session, token } = await createBrowserSession(app, db, user.id, method, meta, now);
		await appendAccountAudit(db, audit, now);
		return { user: toAuthUser(user), sessionToken: token, expiresAt: session.expiresAt } as SignedInAs<K>;
	}
	const { session, refreshToken } = await createApiSession(app, db, user.id, method, meta, now);
	await appendAccountAudit(db, audit, now);
	const accessToken = signAccessToken(app.config.jwtSecret, { userId: user.id, sessionId: session.id }, now, app.config.accessTokenTtlSeconds);
	return { accessToken, refreshToken, expiresIn: app.config.accessTokenTtlSeconds, user: toAuthUser(user) } as SignedInAs<K>;
}
