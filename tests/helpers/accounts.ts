/**
 * Real accounts for account-service tests: signed up and signed in through the auth services (real
 * Argon2id passwords, real session rows), with the AuthState hooks.server.ts would build from the cookie.
 */
import { desc, eq } from 'drizzle-orm';
import { authenticateRequest } from '../../src/lib/server/auth/authenticate';
import { signup } from '../../src/lib/server/auth/service';
import { loginBrowser } from './password-login';
import type { AuthState } from '../../src/lib/server/auth/types';
import { mailOutbox } from '../../src/lib/server/db/schema';
import { uniqueEmail, uniqueIp, type TestApp } from './app';

export const PASSWORD = 'correct horse 42';

export const meta = (ipAddress = uniqueIp()) => ({ ipAddress, userAgent: 'vitest' });

export type SignedIn = { auth: AuthState; cookie: string; email: string };

export async function signedInUser(app: TestApp, prefix = 'account', name = 'Nina Account'): Promise<SignedIn> {
	const email = uniqueEmail(prefix);
	await signup(app, { email, password: PASSWORD, name }, meta());
	return signIn(app, email);
}

/** Another browser session of an existing account. */
export async function signIn(app: TestApp, email: string): Promise<SignedIn> {
	const { sessionToken } = await loginBrowser(app, { email, password: PASSWORD }, meta());
	const auth = await authenticateRequest(app, { cookieToken: sessionToken, authorization: null });
	if (!auth) throw new Error('a fresh session did not authenticate');
	return { auth, cookie: sessionToken, email };
}

/** Mail to `to`, newest first. */
export async function mailTo(app: TestApp, to: string) {
	await app.jobs.drain();
	return app.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, to)).orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id));
}

export function linkIn(body: string): URL {
	const href = body.match(/https?:\/\/\S+/)?.[0];
	if (!href) throw new Error(`no link in: ${body}`);
	return new URL(href);
}
