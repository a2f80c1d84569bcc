/**
 * The outbound fetcher against real local servers (never a mocked network): every refusal of its
 * policy, each beside a success. Servers listen on 127.0.0.1, which the policy forbids, so tests
 * that must reach them name it in allowPrivateHosts; tests of refusals prove no connection was made.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/lib/server/errors';
import { safeFetchText, type SafeFetchOptions } from '../../../src/lib/server/net/safe-fetch';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A local server whose behaviour each test picks by path; counts every TCP connection it accepts. */
function routes(): Record<string, Handler> {
	return {
		'/keys': (req, res) => {
			res.writeHead(200, { 'content-type': 'text/plain' });
			res.end(`ssh-ed25519 AAAA-test\nua=${req.headers['user-agent']}\n`);
		},
		'/missing': (_req, res) => {
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('Not Found');
		},
		'/redirect': (_req, res) => {
			res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
			res.end();
		},
		'/hang': () => {
			/* never answers */
		},
		'/drip': (_req, res) => {
			res.writeHead(200, { 'content-type': 'text/plain' });
			const timer = setInterval(() => res.write('x'), 50);
			res.on('close', () => clearInterval(timer));
		},
		'/big-declared': (_req, res) => {
			const body = Buffer.alloc(2 * 1024 * 1024, 'a');
			res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
			res.end(body);
		},
		'/big-chunked': (_req, res) => {
			res.writeHead(200, { 'content-type': 'text/plain' });
			const chunk = Buffer.alloc(64 * 1024, 'b');
			for (let i = 0; i < 32; i++) res.write(chunk);
			res.end();
		},
		'/exactly-max': (_req, res) => {
			res.writeHead(200, { 'content-type': 'text/plain' });
			res.end(Buffer.alloc(1024 * 1024, 'c'));
		}
	};
}

type Local = { server: http.Server; port: number; connections: () => number; close: () => Promise<void> };

async function listen(server: http.Server): Promise<Local> {
	let connections = 0;
	server.on('connection', () => (connections += 1));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		server,
		port: (server.address() as AddressInfo).port,
		connections: () => connections,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

function handle(req: http.IncomingMessage, res: http.ServerResponse) {
	const route = routes()[req.url ?? ''];
	if (route) route(req, res);
	else res.writeHead(500).end();
}

let plain: Local;
let tls: Local;
let caPem: string;

beforeAll(async () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'ocore-tls-'));
	execFileSync('openssl', [
		'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
		'-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
		'-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')
	], { stdio: 'ignore' });
	caPem = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
	plain = await listen(http.createServer(handle));
	tls = await listen(https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: caPem }, handle));
});

afterAll(async () => {
	await plain?.close();
	await tls?.close();
});

const reachLocal: SafeFetchOptions = { allowHttp: true, allowPrivateHosts: ['127.0.0.1'] };
const local = (p: string) => new URL(`http://127.0.0.1:${plain.port}${p}`);

async function refusal(promise: Promise<unknown>): Promise<AppError> {
	const err = await promise.then(
		() => null,
		(e: unknown) => e
	);
	expect(err).toBeInstanceOf(AppError);
	return err as AppError;
}

/** A DNS lookup answering from a script, one answer per call (the last one repeats). */
function scriptedLookup(answers: string[]): LookupFunction & { calls: number } {
	const fn = ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
		const address = answers[Math.min(fn.calls, answers.length - 1)]!;
		fn.calls += 1;
		const family = address.includes(':') ? 6 : 4;
		setImmediate(() => (options.all ? cb(null, [{ address, family }]) : cb(null, address, family)));
	}) as unknown as LookupFunction & { calls: number };
	fn.calls = 0;
	return fn;
}

describe('safeFetchText: what it returns', () => {
	it('returns a small body with its status, sending user-agent oCore/<version>', async () => {
		const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
		await expect(safeFetchText(local('/keys'), reachLocal)).resolves.toEqual({
			status: 200,
			text: `ssh-ed25519 AAAA-test\nua=oCore/${version}\n`
		});
		await expect(safeFetchText(local('/missing'), reachLocal)).resolves.toEqual({ status: 404, text: 'Not Found' });
	});

	it('accepts a body of exactly maxBytes', async () => {
		const { text } = await safeFetchText(local('/exactly-max'), reachLocal);
		expect(text.length).toBe(1024 * 1024);
	});

	it('speaks https to a server whose CA it is given, and refuses an untrusted certificate', async () => {
		const url = new URL(`https://127.0.0.1:${tls.port}/keys`);
		const opts = { allowHttp: false, allowPrivateHosts: ['127.0.0.1'] };
		await expect(safeFetchText(url, { ...opts, ca: caPem })).resolves.toMatchObject({ status: 200 });
		const err = await refusal(safeFetchText(url, opts));
		expect(err.code).toBe('bad_gateway');
		expect(err.message).toMatch(/^TLS error talking to 127\.0\.0\.1:\d+ \(/);
	});
});

describe('safeFetchText: refusals of the URL as written (invalid_request)', () => {
	it('refuses http unless allowed, and any other scheme always', async () => {
		const before = plain.connections();
		const err = await refusal(safeFetchText(local('/keys'), { allowHttp: false, allowPrivateHosts: ['127.0.0.1'] }));
		expect(err).toMatchObject({ code: 'invalid_request', message: 'Only https URLs can be fetched' });
		for (const u of ['ftp://example.com/x', 'file:///etc/passwd', 'data:text/plain,hi']) {
			const e = await refusal(safeFetchText(new URL(u), reachLocal));
			expect(e).toMatchObject({ code: 'invalid_request', message: 'Only http and https URLs can be fetched' });
		}
		expect(plain.connections()).toBe(before);
	});

	it('refuses URLs carrying credentials', async () => {
		const err = await refusal(safeFetchText(new URL(`http://user:pw@127.0.0.1:${plain.port}/keys`), reachLocal));
		expect(err).toMatchObject({ code: 'invalid_request', message: 'URLs with credentials are not allowed' });
	});

	it.each([
		['127.0.0.1', 'loopback'],
		['[::1]', 'loopback'],
		['10.0.0.1', 'private'],
		['192.168.1.10', 'private'],
		['172.16.5.4', 'private'],
		['169.254.169.254', 'linkLocal'],
		['100.100.100.200', 'carrierGradeNat'],
		['[fd00::1]', 'uniqueLocal'],
		['[fe80::1]', 'linkLocal'],
		['[::ffff:127.0.0.1]', 'loopback'],
		['[::ffff:169.254.169.254]', 'linkLocal'],
		['0.0.0.0', 'unspecified'],
		['2130706433', 'loopback'],
		['0x7f.1', 'loopback']
	])('refuses the literal address %s (%s) without connecting', async (host, range) => {
		const before = plain.connections();
		const url = new URL(`http://${host}:${plain.port}/keys`);
		const err = await refusal(safeFetchText(url, { allowHttp: true, allowPrivateHosts: [] }));
		expect(err.code).toBe('invalid_request');
		expect(err.message).toBe(`Refusing to connect to ${url.hostname}: a ${range} address`);
		expect(plain.connections()).toBe(before);
	});
});

describe('safeFetchText: refusals learnt on the network (bad_gateway)', () => {
	it('refuses a host name that resolves to a private address, without connecting', async () => {
		for (const [address, range] of [
			['127.0.0.1', 'loopback'],
			['10.20.30.40', 'private'],
			['169.254.169.254', 'linkLocal'],
			['::ffff:127.0.0.1', 'loopback'],
			['fd12::1', 'uniqueLocal']
		] as const) {
			const before = plain.connections();
			const lookup = scriptedLookup([address]);
			const err = await refusal(safeFetchText(new URL(`http://keys.example:${plain.port}/keys`), { allowHttp: true, allowPrivateHosts: [], lookup }));
			expect(err).toMatchObject({ code: 'bad_gateway', message: `Refusing to connect to keys.example:${plain.port}: it resolves to a ${range} address` });
			expect(lookup.calls).toBe(1);
			expect(plain.connections()).toBe(before);
		}
	});

	it('refuses an answer that mixes a public and a private address', async () => {
		const lookup = ((_h: string, _o: unknown, cb: (...a: unknown[]) => void) =>
			setImmediate(() => cb(null, [{ address: '140.82.112.3', family: 4 }, { address: '127.0.0.1', family: 4 }]))) as unknown as LookupFunction;
		const err = await refusal(safeFetchText(new URL(`https://keys.example:${plain.port}/`), { allowHttp: false, allowPrivateHosts: [], lookup }));
		expect(err.message).toMatch(/resolves to a loopback address$/);
	});

	it('catches DNS rebinding: the address is judged on the answer the socket connects with', async () => {
		// First answer public (what a check-then-fetch design would have validated), then loopback.
		const lookup = scriptedLookup(['140.82.112.3', '127.0.0.1']);
		const first = await new Promise<string>((resolve) => lookup('keys.example', {}, (_e, a) => resolve(a as string)));
		expect(first).toBe('140.82.112.3');
		const before = plain.connections();
		const err = await refusal(safeFetchText(new URL(`http://keys.example:${plain.port}/keys`), { allowHttp: true, allowPrivateHosts: [], lookup }));
		expect(err.message).toBe(`Refusing to connect to keys.example:${plain.port}: it resolves to a loopback address`);
		expect(lookup.calls).toBe(2);
		expect(plain.connections()).toBe(before);
	});

	it('refuses localhost even when 127.0.0.1 is exempt: the exemption is by exact host name', async () => {
		const err = await refusal(safeFetchText(new URL(`http://localhost:${plain.port}/keys`), reachLocal));
		expect(err.message).toMatch(/^Refusing to connect to localhost:\d+: it resolves to a loopback address$/);
	});

	it('does not follow redirects', async () => {
		const err = await refusal(safeFetchText(local('/redirect'), reachLocal));
		expect(err).toMatchObject({ code: 'bad_gateway', message: `Redirects are not followed (127.0.0.1:${plain.port} answered 302)` });
	});

	it('gives up on a server that never answers after timeoutMs', async () => {
		const started = Date.now();
		const err = await refusal(safeFetchText(local('/hang'), { ...reachLocal, timeoutMs: 300 }));
		const elapsed = Date.now() - started;
		expect(err).toMatchObject({ code: 'bad_gateway', message: `127.0.0.1:${plain.port} did not answer within 300 ms` });
		expect(elapsed).toBeGreaterThanOrEqual(290);
		expect(elapsed).toBeLessThan(2000);
	});

	it('applies the deadline to the whole exchange, not only to the headers', async () => {
		const started = Date.now();
		const err = await refusal(safeFetchText(local('/drip'), { ...reachLocal, timeoutMs: 400 }));
		expect(err.message).toBe(`127.0.0.1:${plain.port} did not answer within 400 ms`);
		expect(Date.now() - started).toBeLessThan(2000);
	});

	it('refuses a 2 MiB body, declared or streamed', async () => {
		for (const p of ['/big-declared', '/big-chunked']) {
			const err = await refusal(safeFetchText(local(p), reachLocal));
			expect(err).toMatchObject({ code: 'bad_gateway', message: `Response from 127.0.0.1:${plain.port} exceeds 1048576 bytes` });
		}
		const small = await refusal(safeFetchText(local('/keys'), { ...reachLocal, maxBytes: 10 }));
		expect(small.message).toBe(`Response from 127.0.0.1:${plain.port} exceeds 10 bytes`);
	});

	it('reports a closed port as connection refused', async () => {
		const closed = await listen(http.createServer());
		await closed.close();
		const err = await refusal(safeFetchText(new URL(`http://127.0.0.1:${closed.port}/`), reachLocal));
		expect(err).toMatchObject({ code: 'bad_gateway', message: `Cannot connect to 127.0.0.1:${closed.port}: connection refused` });
	});
});
