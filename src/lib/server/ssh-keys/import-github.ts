/**
 * Importing a user's public keys from GitHub (`<base>/<username>.keys`, one key per line).
 *
 * Policy: the list is fetched only through the safe outbound fetcher (https unless the operator
 * configured an http base URL; private addresses refused unless the host is named in
 * FETCH_ALLOW_PRIVATE_HOSTS; no redirects; 5 s; 1 MiB). Each line gets the same validation as a
 * pasted key, and is added or skipped with a reason; one bad line never fails the others. At most
 * MAX_IMPORTED_KEYS lines are considered. A GitHub 404 is "user not found"; any other failure to
 * get the list is bad_gateway. Imports are limited to GITHUB_IMPORTS_PER_MINUTE per account. Skipped lines are echoed truncated, and a line that looks like a
 * private key is never echoed at all.
 */
import { appendAccountAudit } from '../audit/append';
import { AppError, isAppError } from '../errors';
import { enforceRateLimit } from '../ratelimit/limiter';
import { safeFetchText, type SafeFetchOptions, type SafeFetchResult } from '../net/safe-fetch';
import type { ActingUser } from '../orgs/store';
import { KEY_MESSAGES, parsePublicKey } from './parse';
import { GITHUB_USERNAME_PATTERN } from './schemas';
import { insertParsedKey, type SshKeyDeps, type SshKeyView } from './service';

export type FetchText = (url: URL, options: SafeFetchOptions) => Promise<SafeFetchResult>;

export type SkippedKey = { publicKey: string; fingerprint?: string; reason: string };
export type GithubImportResult = { added: SshKeyView[]; skipped: SkippedKey[] };

export const MAX_IMPORTED_KEYS = 100;
export const GITHUB_IMPORTS_PER_MINUTE = 10;
const ECHO_CHARS = 80;
const FIELD_PREFIX = 'publicKey: ';

/** `<base>/<username>.keys`; the base may carry a path (GitHub Enterprise behind a prefix). */
export function githubKeysUrl(base: URL, username: string): URL {
	const url = new URL(base.href);
	url.pathname = url.pathname.replace(/\/+$/, '') + `/${encodeURIComponent(username)}.keys`;
	url.search = '';
	url.hash = '';
	return url;
}

function echo(line: string, reason: string): string {
	if (reason === KEY_MESSAGES.privateKey.slice(FIELD_PREFIX.length)) return '';
	return line.length > ECHO_CHARS ? line.slice(0, ECHO_CHARS) : line;
}

/** A parse refusal as a skip reason: the message without the form-field prefix. */
function reasonOf(err: AppError): string {
	return err.message.startsWith(FIELD_PREFIX) ? err.message.slice(FIELD_PREFIX.length) : err.message;
}

async function fetchKeyList(app: SshKeyDeps, username: string, fetchText: FetchText): Promise<string> {
	const base = app.config.githubKeysBaseUrl;
	let response: SafeFetchResult;
	try {
		response = await fetchText(githubKeysUrl(base, username), {
			// Plain http only because the operator configured an http base URL (tests, on-prem mirrors).
			allowHttp: base.protocol === 'http:',
			allowPrivateHosts: app.config.fetchAllowPrivateHosts
		});
	} catch (err) {
		// The URL is the operator's base plus a validated name, so even a refusal of the URL itself
		// (invalid_request from the fetcher) is a server-side problem for the user: bad_gateway.
		if (!isAppError(err)) throw err;
		throw new AppError('bad_gateway', `Could not fetch the GitHub keys of ${username}: ${err.message}`, { cause: err });
	}
	if (response.status === 404) throw new AppError('not_found', `GitHub user ${username} not found`);
	if (response.status !== 200) {
		throw new AppError('bad_gateway', `GitHub answered ${response.status} for the keys of ${username}; try again later`);
	}
	return response.text;
}

export async function importGithubKeys(
	app: SshKeyDeps,
	acting: ActingUser,
	githubUsername: string,
	fetchText: FetchText = safeFetchText
): Promise<GithubImportResult> {
	// The schema checked it already; checked again because it becomes part of a URL.
	if (!GITHUB_USERNAME_PATTERN.test(githubUsername)) throw new AppError('invalid_request', 'githubUsername: Invalid GitHub username');
	// Each import makes an outbound request of up to 5 s: a per-account budget keeps that from being a lever.
	await enforceRateLimit(app, 'github_import', acting.userId, GITHUB_IMPORTS_PER_MINUTE, app.clock.now());
	const text = await fetchKeyList(app, githubUsername, fetchText);
	const lines = text.split(/\r\n|\r|\n/).map((line) => line.trim()).filter((line) => line !== '');

	const added: SshKeyView[] = [];
	const skipped: SkippedKey[] = [];
	for (const [index, line] of lines.entries()) {
		if (index >= MAX_IMPORTED_KEYS) {
			skipped.push({ publicKey: echo(line, ''), reason: `Only the first ${MAX_IMPORTED_KEYS} keys are imported at once` });
			continue;
		}
		let fingerprint: string | undefined;
		try {
			const key = parsePublicKey(line, { minRsaBits: app.config.sshKeyMinRsaBits });
			fingerprint = key.fingerprint;
			const name = `GitHub ${githubUsername} #${index + 1}`;
			added.push(await insertParsedKey(app, acting, name, key, { source: 'github', githubUsername }));
		} catch (err) {
			if (!isAppError(err) || (err.code !== 'invalid_request' && err.code !== 'conflict')) throw err;
			const reason = reasonOf(err);
			skipped.push({ publicKey: echo(line, reason), ...(fingerprint ? { fingerprint } : {}), reason });
		}
	}

	await appendAccountAudit(
		app.db,
		{
			actor: { userId: acting.userId, email: acting.email },
			action: 'ssh_key.imported',
			targetType: 'ssh_key',
			metadata: {
				source: 'github',
				githubUsername,
				added: added.length,
				skipped: skipped.length,
				fingerprints: added.map((k) => k.fingerprint)
			},
			ipAddress: acting.request.ipAddress,
			userAgent: acting.request.userAgent
		},
		app.clock.now()
	);
	return { added, skipped };
}
