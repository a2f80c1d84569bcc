/**
 * One error shape and one body limit for every door of the built server: REST and any other /api path
 * answer `{error, message}` JSON, tRPC keeps its envelope, neither ever echoes an internal message,
 * and every door stops reading at 64 KiB. Malformed URLs are the client's mistake: 400, no error log.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { uniqueEmail, uniqueIp } from '../../helpers/app';
import { api, baseUrl, signUpAndLogin } from '../../helpers/http';
import { serverLogLength, serverLogUpToNow } from '../../helpers/server-log';

const LIMIT_BYTES = 64 * 1024;

/** A raw request: fetch refuses to send a malformed path, an attacker's client does not. */
function rawRequest(method: string, target: string, options: { headers?: Record<string, string>; body?: string; chunked?: boolean } = {}) {
	const url = new URL(baseUrl());
	return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
		const headers: Record<string, string> = { 'x-forwarded-for': uniqueIp(), ...options.headers };
		const req = httpRequest({ host: url.hostname, port: url.port, method, path: target, headers }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (d) => (text += d));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
		});
		req.on('error', reject);
		if (options.body !== undefined) {
			if (options.chunked) {
				// Several writes without a content-length: Node sends Transfer-Encoding: chunked.
				for (let i = 0; i < options.body.length; i += 8192) req.write(options.body.slice(i, i + 8192));
			} else req.setHeader('content-length', Buffer.byteLength(options.body));
			if (!options.chunked) req.write(options.body);
		}
		req.end();
	});
}

function bigJson(bytes: number, wrap: (filler: string) => unknown): string {
	return JSON.stringify(wrap('x'.repeat(bytes)));
}

describe('a malformed URL', () => {
	it('answers 400 JSON on /api paths and logs no error line', async () => {
		const offset = serverLogLength();
		for (const target of ['/api/orgs/%ff', '/api/trpc/%ff', '/api/%E0%A4%A', '/api/health%ff?x=1']) {
			const res = await rawRequest('GET', target);
			expect(res.status, target).toBe(400);
			expect(res.headers['content-type'], target).toMatch(/^application\/json/);
			expect(JSON.parse(res.text), target).toEqual({ error: 'invalid_request', message: 'Malformed URL' });
			expect(res.headers['x-content-type-options']).toBe('nosniff');
		}
		const page = await rawRequest('GET', '/orgs/%ff');
		expect(page.status).toBe(400);
		const log = await serverLogUpToNow(offset);
		expect(log).not.toMatch(/"level":"error"/);
	});
});

describe('tRPC errors', () => {
	it('never carry an internal message', async () => {
		const { accessToken } = await signUpAndLogin(uniqueEmail('trpc-err'));
		const call = (body: string) =>
			api('POST', '/api/trpc/auth.changePassword', { rawBody: body, token: accessToken });

		// superjson asked for a "custom" type named after an Object.prototype member.
		const custom = await call(JSON.stringify({ json: { currentPassword: 'a', newPassword: 'b' }, meta: { values: { newPassword: [['custom', 'constructor']] } } }));
		// A deep superjson meta tree (under the body limit) overflows the stack while deserialising.
		const depth = 3000;
		const deep = await call(`{"json":{"a":1},"meta":{"values":${'["undefined",{"a":'.repeat(depth)}["undefined"]${'}]'.repeat(depth)}}}`);
		const notJson = await call('{"json":');
		for (const res of [custom, deep, notJson]) {
			expect(res.status).toBe(400);
			expect(res.body.error.json.data.code).toBe('BAD_REQUEST');
			expect(res.body.error.json.message).toBe('Invalid request');
			expect(JSON.stringify(res.body)).not.toMatch(/deserialize|call stack|JSON|Unexpected/);
		}

		// A validation failure names the field, as REST does, not a dump of zod's issue list.
		const invalid = await call(JSON.stringify({ json: { currentPassword: 'x' } }));
		expect(invalid.status).toBe(400);
		expect(invalid.body.error.json.message).toMatch(/^newPassword: /);
	});
});

describe('the request body limit', () => {
	it('is 64 KiB on tRPC, declared or streamed, answered in the tRPC envelope with 413', async () => {
		const { accessToken } = await signUpAndLogin(uniqueEmail('trpc-big'));
		const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
		const body = bigJson(LIMIT_BYTES, (filler) => ({ json: { currentPassword: filler, newPassword: 'x' } }));
		for (const chunked of [false, true]) {
			const res = await rawRequest('POST', '/api/trpc/auth.changePassword', { headers, body, chunked });
			expect(res.status, `chunked=${chunked}`).toBe(413);
			const parsed = JSON.parse(res.text);
			expect(parsed.error.json.data.code).toBe('PAYLOAD_TOO_LARGE');
			expect(parsed.error.json.message).toBe(`Request body exceeds ${LIMIT_BYTES} bytes`);
		}
		// Just under the limit is read and validated as usual.
		const fits = bigJson(LIMIT_BYTES - 200, (filler) => ({ json: { currentPassword: 'x', padding: filler } }));
		const ok = await rawRequest('POST', '/api/trpc/auth.changePassword', { headers, body: fits });
		expect(ok.status).toBe(400);
		expect(JSON.parse(ok.text).error.json.message).toMatch(/^newPassword: /);
	});

	it('is 64 KiB on REST, on unknown /api paths and on form actions, answered as {error, message}', async () => {
		const json = { 'content-type': 'application/json' };
		const body = bigJson(LIMIT_BYTES, (filler) => ({ email: uniqueEmail(), password: filler }));
		const expected = { error: 'payload_too_large', message: `Request body exceeds ${LIMIT_BYTES} bytes` };
		// A streamed body is cut where it crosses the limit; a route that never reads its body (the /api 404)
		// is refused only when the body is declared too large.
		for (const [target, chunked] of [['/api/auth/login', false], ['/api/auth/login', true], ['/api/no-such-route', false]] as const) {
			const res = await rawRequest('POST', target, { headers: json, body, chunked });
			expect(res.status, `${target} chunked=${chunked}`).toBe(413);
			expect(JSON.parse(res.text), `${target} chunked=${chunked}`).toEqual(expected);
		}
		const form = `email=a%40b.c&password=${'x'.repeat(LIMIT_BYTES)}`;
		const action = await rawRequest('POST', '/login', {
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl() },
			body: form
		});
		expect(action.status).toBe(413);
		expect(JSON.parse(action.text)).toEqual(expected);
	});
});

describe('static assets', () => {
	it('carry X-Content-Type-Options: nosniff, like every other response', async () => {
		const page = await fetch(`${baseUrl()}/login`);
		const html = await page.text();
		const asset = html.match(/\/_app\/immutable\/[^"'\s>]+\.js/)?.[0];
		expect(asset).toBeTruthy();
		for (const target of [asset!, '/_app/version.json']) {
			const res = await fetch(baseUrl() + target);
			expect(res.status, target).toBe(200);
			expect(res.headers.get('x-content-type-options'), target).toBe('nosniff');
			await res.arrayBuffer();
		}
	});
});
