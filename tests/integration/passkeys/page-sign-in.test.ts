/**
 * The sign-in page's passkey door (src/routes/login/passkey): the session cookie is set as the
 * password form sets it; the second step reads the mfa token from the httpOnly `ocore_mfa` cookie and
 * clears it once used; requests from another origin are refused before anything is read.
 */
import type { Cookies } from '@sveltejs/kit';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { authenticateRequest, SESSION_COOKIE } from '../../../src/lib/server/auth/authenticate';
import { sessions } from '../../../src/lib/server/db/schema';
import { issueMfaChallenge } from '../../../src/lib/server/mfa/challenge';
import { MFA_COOKIE, pageSignIn, pageSignInOptions, requireOwnPage } from '../../../src/lib/server/passkeys/page-sign-in';
import { createCaller } from '../../../src/lib/server/trpc/root';
import { createTestApp, uniqueIp, type TestApp } from '../../helpers/app';
import { meta, signedInUser, type SignedIn } from '../../helpers/accounts';
import { SoftAuthenticator } from '../../helpers/soft-authenticator';

const ORIGIN = 'http://localhost:3998';
let app: TestApp;
beforeAll(async () => {
	app = await createTestApp({ APP_URL: ORIGIN });
});
afterAll(() => app.close());

/** A cookie jar with SvelteKit's Cookies surface, as much of it as these endpoints use. */
function jar(initial: Record<string, string> = {}) {
	const values = new Map(Object.entries(initial));
	const options = new Map<string, unknown>();
	const cookies = {
		get: (name: string) => values.get(name),
		set: (name: string, value: string, opts: unknown) => void (values.set(name, value), options.set(name, opts)),
		delete: (name: string) => void values.delete(name)
	} as unknown as Cookies;
	return { cookies, values, options };
}

async function withPasskey(): Promise<{ who: SignedIn; key: SoftAuthenticator }> {
	const who = await signedInUser(app, 'page');
	const key = new SoftAuthenticator({ origin: ORIGIN });
	const caller = createCaller({ app, auth: who.auth, request: meta(uniqueIp()) });
	const options = (await caller.passkeys.registrationOptions()) as PublicKeyCredentialCreationOptionsJSON;
	await caller.passkeys.register({ response: key.register(options), name: 'Laptop' });
	return { who, key };
}

describe('the sign-in page with a passkey', () => {
	it('sets the browser session cookie for a passkey sign-in', async () => {
		const { who, key } = await withPasskey();
		const { cookies, values, options } = jar();
		const request = (await pageSignInOptions(app, 'signin', cookies, meta())) as PublicKeyCredentialRequestOptionsJSON;
		await pageSignIn(app, 'signin', key.authenticate(request), cookies, meta());
		const auth = await authenticateRequest(app, { cookieToken: values.get(SESSION_COOKIE)!, authorization: null });
		expect(auth?.user.id).toBe(who.auth.user.id);
		expect(auth?.session.authMethod).toBe('passkey');
		expect(options.get(SESSION_COOKIE)).toMatchObject({ path: '/', httpOnly: true, sameSite: 'lax' });
	});

	it('answers the second step from the ocore_mfa cookie, then clears that cookie', async () => {
		const { who, key } = await withPasskey();
		const { token } = await issueMfaChallenge(app.db, who.auth.user.id, 'browser', app.clock.now());
		const { cookies, values } = jar({ [MFA_COOKIE]: token });
		const request = (await pageSignInOptions(app, 'mfa', cookies, meta())) as PublicKeyCredentialRequestOptionsJSON;
		expect(request.allowCredentials).toHaveLength(1);
		await pageSignIn(app, 'mfa', key.authenticate(request), cookies, meta());
		expect(values.has(MFA_COOKIE)).toBe(false);
		const auth = await authenticateRequest(app, { cookieToken: values.get(SESSION_COOKIE)!, authorization: null });
		expect(auth?.session.authMethod).toBe('password_passkey');
		expect(await app.db.select().from(sessions).where(and(eq(sessions.userId, who.auth.user.id), eq(sessions.authMethod, 'password_passkey')))).toHaveLength(1);
	});

	it('without the ocore_mfa cookie, the second step has expired', async () => {
		const { cookies } = jar();
		await expect(pageSignInOptions(app, 'mfa', cookies, meta())).rejects.toMatchObject({ publicCode: 'mfa_expired' });
	});

	it('refuses a request from another origin, and one with no origin at all', () => {
		const url = new URL(`${ORIGIN}/login/passkey`);
		const from = (origin: string | null) => new Request(url, { method: 'POST', headers: origin ? { origin } : {} });
		expect(() => requireOwnPage(app, from(ORIGIN), url)).not.toThrow();
		expect(() => requireOwnPage(app, from('https://evil.example'), url)).toThrow('Cross-origin request refused');
		expect(() => requireOwnPage(app, from(null), url)).toThrow('Cross-origin request refused');
	});
});
