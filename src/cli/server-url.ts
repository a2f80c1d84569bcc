/** The server's base URL as the user gives it to --url. */
import { usageError } from './errors';

/** http(s) only, no credentials, no query or fragment; the path is kept (a server behind a prefix). */
export function normaliseServerUrl(raw: string): URL {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw usageError(`--url is not a URL: ${raw}`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') throw usageError('--url must start with https:// (or http://)');
	if (url.username || url.password) throw usageError('--url must not contain a user name or password');
	url.search = '';
	url.hash = '';
	url.pathname = url.pathname.replace(/\/+$/, '');
	return url;
}

/** The form stored and joined with API paths: no trailing slash. */
export function baseUrlOf(url: URL): string {
	return url.href.replace(/\/+$/, '');
}
