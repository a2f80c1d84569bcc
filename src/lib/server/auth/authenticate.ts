/**
 * Who is calling: a browser session cookie or an `Authorization: Bearer <JWT>` header. Either way the
 * session row is read on every request, so a revoked session stops working at once, whatever its
 * access token says. Anything invalid means "anonymous", never an exception.
 */
import type { AppContext } from '../app-context';
import { verifyAccessToken } from './jwt';
import { loadLiveSession, validateBrowserToken } from './session-store';
import type { AuthState, AuthUser } from './types';
import { findUserById, toAuthUser } from './users';

export const SESSION_COOKIE = 'ocore_session';

export function sessionCookieOptions(app: AppContext, expiresAt: Date) {
	return {
		path: '/',
		httpOnly: true,
		sameSite: 'lax' as const,
		secure: app.config.secureCookies,
		expires: expiresAt
	};
}

export type RequestCredentials = { cookieToken: string | null; authorization: string | null };

export async function authenticateRequest(app: AppContext, credentials: RequestCredentials): Promise<AuthState | null> {
	const now = app.clock.now();
	const bearer = credentials.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
	if (bearer) {
		const claims = verifyAccessToken(app.config.jwtSecret, bearer, now);
		if (!claims) return null;
		const session = await loadLiveSession(app, claims.sessionId, now);
		if (!session || session.kind !== 'api' || session.userId !== claims.userId) return null;
		const user = await findUserById(app.db, session.userId);
		return user ? { user: withAdminFlag(app, toAuthUser(user)), session, via: 'bearer' } : null;
	}
	if (credentials.cookieToken) {
		const session = await validateBrowserToken(app, credentials.cookieToken, now);
		if (!session) return null;
		const user = await findUserById(app.db, session.userId);
		return user ? { user: withAdminFlag(app, toAuthUser(user)), session, via: 'cookie' } : null;
	}
	return null;
}

/** ADMIN_EMAILS applies to accounts that existed before the address was added, too. */
function withAdminFlag(app: AppContext, user: AuthUser): AuthUser {
	return user.isPlatformAdmin || !app.config.adminEmails.includes(user.email) ? user : { ...user, isPlatformAdmin: true };
}
