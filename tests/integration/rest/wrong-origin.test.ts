/**
 * Forms posted from another address than APP_URL (the server runs with APP_URL http://127.0.0.1:<port>;
 * "localhost" is the same server under another origin, the way a person meets it). The refusal stays,
 * and now says where the server really is, in a page, an action result and one log line.
 */
import { describe, expect, it } from 'vitest';
import { uniqueEmail, uniqueIp } from '../../helpers/app';
import { api, baseUrl, signUpAndLogin } from '../../helpers/http';
import { serverLogLength, serverLogUpToNow } from '../../helpers/server-log';

const password = 'correct horse 42';
// What a browser sends with a plain (script-less) form post.
const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,application/xhtml+xml' };

function post(path: string, origin: string | null, body: Record<string, string>, headers: Record<string, string> = {}) {
	return fetch(baseUrl() + path, {
		method: 'POST',
		body: new URLSearchParams(body),
		redirect: 'manual',
		headers: { ...form, 'x-forwarded-for': uniqueIp(), ...(origin ? { origin } : {}), ...headers }
	});
}

/** The page's words without markup, so a test reads what a person reads. */
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

function refusalLines(log: string) {
	return log
		.split('\n')
		.filter((line) => line.includes('cross-site form post refused'))
		.map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>);
}

describe('a form posted from another address than APP_URL', () => {
	it('gets a 403 page naming APP_URL and linking to the same page there, and one warning line with both origins', async () => {
		const wrongOrigin = baseUrl().replace('127.0.0.1', 'localhost');
		const offset = serverLogLength();
		const email = uniqueEmail();
		await signUpAndLogin(email, password);

		const res = await post('/login?redirectTo=%2Fsettings%2Fsessions', wrongOrigin, { email, password });
		expect(res.status).toBe(403);
		expect(res.headers.get('content-type')).toMatch(/^text\/html/);
		expect(res.headers.get('set-cookie')).toBeNull();
		const html = await res.text();
		expect(text(html)).toContain(`This server's address is ${baseUrl()}. Open it there, or set APP_URL.`);
		expect(html).toContain(`href="${baseUrl()}/login?redirectTo=%2Fsettings%2Fsessions"`);
		// Served at the form's URL, so asset paths must not be relative to the page.
		expect(html).not.toContain('"./_app/');

		// A second refusal from the same address within the minute adds no line.
		expect((await post('/login', wrongOrigin, { email, password })).status).toBe(403);
		const lines = refusalLines(await serverLogUpToNow(offset));
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatchObject({ level: 'warn', origin: wrongOrigin, serverOrigin: baseUrl(), method: 'POST', path: '/login' });
		expect(JSON.stringify(lines[0])).not.toContain(password);
	});

	it('answers a sign-in sent by the page script with an action result that opens that page at the same address', async () => {
		const res = await post('/login', 'http://192.0.2.10:3000', { email: uniqueEmail(), password }, { accept: 'application/json', 'x-sveltekit-action': 'true' });
		expect(res.status).toBe(403);
		const result = (await res.json()) as { type: string; location: string };
		expect(result).toEqual({ type: 'redirect', status: 303, location: '/wrong-address?to=%2Flogin' });
		const page = await fetch(baseUrl() + result.location);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(text(html)).toContain(`This server's address is ${baseUrl()}. Open it there, or set APP_URL.`);
		expect(html).toContain(`href="${baseUrl()}/login"`);
	});

	it('signs in as before when the form comes from APP_URL itself', async () => {
		const email = uniqueEmail();
		await signUpAndLogin(email, password);
		const res = await post('/login', baseUrl(), { email, password });
		expect(res.status).toBe(303);
		expect(res.headers.get('set-cookie')).toMatch(/^ocore_session=/);
	});

	it('still refuses a cross-site post to a state-changing page action, cookie and all, and changes nothing', async () => {
		const email = uniqueEmail();
		const other = await signUpAndLogin(email, password);
		const login = await post('/login', baseUrl(), { email, password });
		const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

		for (const origin of ['https://evil.example', null]) {
			const res = await post('/settings/sessions?/revokeOthers', origin, {}, { cookie });
			expect(res.status, `origin ${origin}`).toBe(403);
			expect(text(await res.text())).toContain(`This server's address is ${baseUrl()}`);
		}
		// The other session (the API sign-in) is still alive.
		expect((await api('GET', '/api/user/me', { token: other.accessToken })).status).toBe(200);
		// The same action from our own page works.
		const own = await post('/settings/sessions?/revokeOthers', baseUrl(), {}, { cookie, accept: 'application/json', 'x-sveltekit-action': 'true' });
		expect(own.status).toBe(200);
		expect((await api('GET', '/api/user/me', { token: other.accessToken })).status).toBe(401);
	});

	it('answers the API with the usual {error, message} JSON', async () => {
		const res = await post('/api/auth/login', 'https://evil.example', { email: uniqueEmail(), password });
		expect(res.status).toBe(403);
		expect(await res.json()).toEqual({
			error: 'forbidden',
			message: `Cross-site form submission refused. This server's address is ${baseUrl()}: open it there, or set APP_URL.`
		});
	});
});
