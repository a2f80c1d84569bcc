/**
 * Organization steps the org flows share: creating one through the dashboard form (which fills the
 * slug in from the name), and setting up members through the REST API, which is not what these
 * tests are about, so it need not go through the pages.
 */
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { slugFromName } from '../../src/lib/slug';
import { newAccount, type Account } from './helpers';

export type ApiAnswer = { status: number; body: any };

/**
 * A REST call with the page's session cookie. Cookie-authenticated changes must come from our own
 * origin (hooks.server.ts), so the Origin header a browser would send is set.
 */
export async function api(page: Page, method: string, path: string, data?: unknown): Promise<ApiAnswer> {
	const origin = new URL(page.url()).origin;
	const response = await page.request.fetch(path, { method, data, headers: { origin } });
	const text = await response.text();
	return { status: response.status(), body: text ? JSON.parse(text) : null };
}

/** A unique org name, and the slug the dashboard form derives from it. */
export function newOrgName(prefix = 'Acme'): { name: string; slug: string } {
	const name = `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
	return { name, slug: slugFromName(name) };
}

/** Creates an org from the dashboard and lands on its members page at /orgs/<slug>; returns its id too. */
export async function createOrgFromDashboard(page: Page, prefix = 'Acme'): Promise<{ id: string; name: string; slug: string }> {
	const { name, slug } = newOrgName(prefix);
	await page.goto('/dashboard');
	await page.getByLabel('Name', { exact: true }).fill(name);
	await expect(page.getByLabel('Slug')).toHaveValue(slug);
	await page.getByRole('button', { name: 'Create organization' }).click();
	await expect(page).toHaveURL(new RegExp(`/orgs/${slug}$`));
	const orgs = await api(page, 'GET', '/api/orgs');
	const org = orgs.body.orgs.find((o: { slug: string }) => o.slug === slug);
	return { id: org.id, name, slug };
}

/** A fresh account that signs up and signs in over REST; returns it with its bearer token. */
export async function restAccount(request: APIRequestContext, prefix: string): Promise<Account & { token: string; id: string }> {
	const account = newAccount(prefix);
	const signup = await request.post('/api/auth/signup', { data: account });
	expect(signup.status(), 'sign-up').toBe(201);
	const login = await request.post('/api/auth/login', { data: { email: account.email, password: account.password } });
	expect(login.status(), 'sign-in').toBe(200);
	const body = await login.json();
	return { ...account, token: body.accessToken, id: body.user.id };
}

/** The owner (signed in on `ownerPage`) invites `member`, who accepts with their token. */
export async function joinThroughInvitation(ownerPage: Page, orgId: string, member: { email: string; token: string }, role: string) {
	const invited = await api(ownerPage, 'POST', `/api/orgs/${orgId}/members`, { email: member.email, role });
	expect(invited.status, JSON.stringify(invited.body)).toBe(201);
	const accepted = await ownerPage.request.post(`/api/user/invitations/${invited.body.invitation.id}/accept`, {
		headers: { authorization: `Bearer ${member.token}` }
	});
	expect(accepted.status()).toBe(200);
}
