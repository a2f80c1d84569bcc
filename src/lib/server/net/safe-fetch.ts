/**
 * The one way server code fetches a URL that a user influenced (GitHub key import, and any later
 * feature of the kind). It exists to stop server-side request forgery.
 *
 * Policy:
 * - https only; http only when the caller passes allowHttp (callers do so only for an http base URL
 *   the operator configured). No user:password@ in URLs.
 * - Connect only to public unicast addresses (address-policy.ts). The check runs in the socket's own
 *   DNS lookup (guarded-lookup.ts), so DNS rebinding between a check and the connect is caught;
 *   literal-IP URLs are checked here because sockets skip the lookup for them. Hosts named exactly
 *   in allowPrivateHosts (operator configuration) are exempt from the address check only.
 * - No redirects: a 3xx is an error, so a public host cannot bounce us to an internal one.
 * - One total deadline (default 5 s) over connect, headers and body; a response cap (default 1 MiB)
 *   enforced on the declared length and again while streaming; no compression, so the cap counts
 *   the bytes on the wire. No environment proxies, no connection reuse.
 * Errors are AppErrors: what is wrong with the URL as written -> invalid_request; everything learnt
 * on the network (forbidden resolved address, timeout, redirect, size, connection failure) ->
 * bad_gateway. Messages name the host, never the path or query (they may carry tokens).
 *
 * Built on node:http/https rather than fetch() because fetch offers no per-connection lookup hook.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { AppError } from '../errors';
import { APP_VERSION } from '../version';
import { isExemptHost, judgeAddress } from './address-policy';
import { BlockedAddressError, guardedLookup, systemLookup } from './guarded-lookup';

export const DEFAULT_FETCH_TIMEOUT_MS = 5_000;
export const DEFAULT_FETCH_MAX_BYTES = 1024 * 1024;

export type SafeFetchOptions = {
	allowHttp: boolean;
	allowPrivateHosts: readonly string[];
	timeoutMs?: number;
	maxBytes?: number;
	/** The DNS lookup to guard; injectable so tests can play a rebinding DNS server. */
	lookup?: LookupFunction;
	/** Extra trusted CA certificates (PEM), e.g. an on-premises GitHub Enterprise or a test server. */
	ca?: string | Buffer | Array<string | Buffer>;
};

export type SafeFetchResult = { status: number; text: string };

class FetchFailure extends Error {}

function checkUrl(url: URL, options: SafeFetchOptions): { hostname: string; exempt: boolean } {
	const scheme = url.protocol;
	if (scheme !== 'https:' && !(scheme === 'http:' && options.allowHttp)) {
		throw new AppError('invalid_request', options.allowHttp ? 'Only http and https URLs can be fetched' : 'Only https URLs can be fetched');
	}
	if (url.username || url.password) throw new AppError('invalid_request', 'URLs with credentials are not allowed');
	const hostname = url.hostname.replace(/^\[|\]$/g, '');
	const exempt = isExemptHost(hostname, options.allowPrivateHosts);
	if (!exempt && isIP(hostname)) {
		const verdict = judgeAddress(hostname);
		if (!verdict.allowed) throw new AppError('invalid_request', `Refusing to connect to ${url.hostname}: a ${verdict.range} address`);
	}
	return { hostname, exempt };
}

function describeNetworkError(err: unknown, host: string, timeoutMs: number): AppError {
	if (err instanceof AppError) return err;
	if (err instanceof BlockedAddressError) return new AppError('bad_gateway', `Refusing to connect to ${host}: it resolves to a ${err.range} address`, { cause: err });
	if (err instanceof FetchFailure) return new AppError('bad_gateway', err.message, { cause: err });
	const code = (err as { code?: string } | null)?.code;
	if (code === 'ETIMEDOUT_TOTAL') return new AppError('bad_gateway', `${host} did not answer within ${timeoutMs} ms`, { cause: err });
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new AppError('bad_gateway', `Cannot resolve ${host}`, { cause: err });
	if (code === 'ECONNREFUSED') return new AppError('bad_gateway', `Cannot connect to ${host}: connection refused`, { cause: err });
	if (code?.startsWith('ERR_TLS') || code?.includes('CERT') || code === 'EPROTO') {
		return new AppError('bad_gateway', `TLS error talking to ${host} (${code})`, { cause: err });
	}
	return new AppError('bad_gateway', `Cannot fetch from ${host}${code ? ` (${code})` : ''}`, { cause: err });
}

/** GETs `url` under the policy above and returns the status and body text (any non-3xx status). */
export async function safeFetchText(url: URL, options: SafeFetchOptions): Promise<SafeFetchResult> {
	const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
	const maxBytes = options.maxBytes ?? DEFAULT_FETCH_MAX_BYTES;
	const { hostname, exempt } = checkUrl(url, options);
	const baseLookup = options.lookup ?? systemLookup;
	const isHttps = url.protocol === 'https:';
	const transport = isHttps ? https : http;

	return new Promise<SafeFetchResult>((resolve, reject) => {
		let settled = false;
		const finish = (err: unknown, result?: SafeFetchResult) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			if (err) {
				req.destroy();
				reject(describeNetworkError(err, url.host, timeoutMs));
			} else resolve(result!);
		};
		const fail = (message: string) => finish(new FetchFailure(message));

		const req = transport.request({
			protocol: url.protocol,
			hostname,
			port: url.port || undefined,
			path: url.pathname + url.search,
			method: 'GET',
			headers: { 'user-agent': `oCore/${APP_VERSION}`, accept: 'text/plain, */*', 'accept-encoding': 'identity' },
			lookup: exempt ? baseLookup : guardedLookup(baseLookup),
			// A fresh agent: no pooled sockets from earlier requests, and no proxy taken from the environment.
			agent: isHttps ? new https.Agent({ keepAlive: false, ca: options.ca }) : new http.Agent({ keepAlive: false })
		});
		const timer = setTimeout(() => finish(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT_TOTAL' })), timeoutMs);

		req.on('error', (err) => finish(err));
		req.on('response', (res) => {
			const status = res.statusCode ?? 0;
			if (status >= 300 && status < 400) return fail(`Redirects are not followed (${url.host} answered ${status})`);
			const declared = Number(res.headers['content-length'] ?? NaN);
			if (declared > maxBytes) return fail(`Response from ${url.host} exceeds ${maxBytes} bytes`);
			const chunks: Buffer[] = [];
			let received = 0;
			res.on('data', (chunk: Buffer) => {
				received += chunk.byteLength;
				if (received > maxBytes) return fail(`Response from ${url.host} exceeds ${maxBytes} bytes`);
				chunks.push(chunk);
			});
			res.on('end', () => finish(null, { status, text: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', (err) => finish(err));
			res.on('close', () => {
				if (!res.complete) fail(`Connection to ${url.host} closed before the response was complete`);
			});
		});
		req.end();
	});
}
