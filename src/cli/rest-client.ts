/**
 * The CLI's one code path to the server: a typed client over the public REST API. Response types
 * come from the services (`import type`, erased at run time) with Dates as the strings JSON carries.
 *
 * Session policy: calls send the stored access token; on a 401 the client refreshes once
 * (POST /api/auth/refresh rotates both tokens), saves the new pair before retrying, and gives up
 * with "not logged in" if the refresh is refused. Before refreshing it re-reads the stored pair:
 * if another ocore process already rotated it, that pair is used instead of replaying an old
 * refresh token (which the server treats as theft and answers by ending the session).
 */
import type { ApiTokens } from '../lib/server/auth/sign-in';
import type { MfaRequired } from '../lib/server/mfa/challenge';
import type { InstanceView } from '../lib/server/instances/service';
import type { SshClientConfig } from '../lib/server/ssh-gateway/client-config';
import type { GithubImportResult } from '../lib/server/ssh-keys/import-github';
import type { AddSshKeyInput, ImportGithubInput } from '../lib/server/ssh-keys/schemas';
import type { SshKeyView } from '../lib/server/ssh-keys/service';
import { APP_VERSION } from '../lib/server/version';
import type { Credentials } from './credentials';
import { CliError, notLoggedIn } from './errors';

/** A service type as it arrives over JSON: Dates become ISO strings. */
export type Jsonified<T> = T extends Date
	? string
	: T extends (infer U)[]
		? Jsonified<U>[]
		: T extends object
			? { [K in keyof T]: Jsonified<T[K]> }
			: T;

export type LoginResponse = Jsonified<ApiTokens>;
/** What login answers instead of tokens when the account has 2FA on. */
export type MfaRequiredResponse = MfaRequired;
export type SshKey = Jsonified<SshKeyView>;
export type ImportResult = Jsonified<GithubImportResult>;
export type Instance = Jsonified<InstanceView>;
export type { SshClientConfig };

/** How the client reads and saves the session it acts for; `exclusive` serialises refreshes across processes. */
export type SessionStore = {
	load(): Credentials | null;
	save(credentials: Credentials): void;
	exclusive?<T>(fn: () => Promise<T>): Promise<T>;
};

export const REQUEST_TIMEOUT_MS = 30_000;

type RequestOptions = { body?: unknown; token?: string };

export class OcoreClient {
	constructor(
		readonly baseUrl: string,
		private readonly session?: SessionStore
	) {}

	// ---- calls without a session
	login(email: string, password: string): Promise<LoginResponse | MfaRequiredResponse> {
		return this.json('POST', '/api/auth/login', { body: { email, password } });
	}

	/** The second step of a sign-in with 2FA: a TOTP or a recovery code for the login's mfaToken. */
	verifyTotp(mfaToken: string, code: string): Promise<LoginResponse> {
		return this.json('POST', '/api/auth/totp/verify', { body: { mfaToken, code } });
	}

	sshClientConfig(): Promise<SshClientConfig> {
		return this.json('GET', '/api/ssh/client-config');
	}

	// ---- calls as the stored session
	async logout(): Promise<void> {
		await this.authed('POST', '/api/auth/logout');
	}

	listSshKeys(): Promise<SshKey[]> {
		return this.authedJson('GET', '/api/user/ssh-keys');
	}

	addSshKey(input: AddSshKeyInput): Promise<SshKey> {
		return this.authedJson('POST', '/api/user/ssh-keys', input);
	}

	async removeSshKey(keyId: string): Promise<void> {
		await this.authed('DELETE', `/api/user/ssh-keys/${encodeURIComponent(keyId)}`);
	}

	importGithub(input: ImportGithubInput): Promise<ImportResult> {
		return this.authedJson('POST', '/api/user/ssh-keys/import-github', input);
	}

	/** Every instance in the orgs where the caller holds view:instances. */
	async listInstances(): Promise<Instance[]> {
		return (await this.authedJson<{ instances: Instance[] }>('GET', '/api/instances')).instances;
	}

	// ---- the one request path
	private async send(method: string, pathname: string, options: RequestOptions): Promise<Response> {
		const url = this.baseUrl.replace(/\/+$/, '') + pathname;
		const headers: Record<string, string> = { accept: 'application/json', 'user-agent': `ocore-cli/${APP_VERSION}` };
		if (options.token) headers.authorization = `Bearer ${options.token}`;
		if (options.body !== undefined) headers['content-type'] = 'application/json';
		try {
			return await fetch(url, {
				method,
				headers,
				body: options.body === undefined ? undefined : JSON.stringify(options.body),
				redirect: 'manual',
				signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
			});
		} catch (err) {
			throw unreachable(this.baseUrl, err);
		}
	}

	private async json<T>(method: string, pathname: string, options: RequestOptions = {}): Promise<T> {
		return readJson<T>(await checked(await this.send(method, pathname, options)));
	}

	private async authedJson<T>(method: string, pathname: string, body?: unknown): Promise<T> {
		return readJson<T>(await this.authed(method, pathname, body));
	}

	private async authed(method: string, pathname: string, body?: unknown): Promise<Response> {
		let credentials = this.requireSession();
		let res = await this.send(method, pathname, { body, token: credentials.accessToken });
		if (res.status !== 401) return checked(res);
		await res.body?.cancel();
		credentials = await this.refresh(credentials);
		res = await this.send(method, pathname, { body, token: credentials.accessToken });
		if (res.status === 401) throw notLoggedIn('Your session has ended');
		return checked(res);
	}

	private requireSession(): Credentials {
		const credentials = this.session?.load();
		if (!credentials) throw notLoggedIn();
		return credentials;
	}

	private async refresh(used: Credentials): Promise<Credentials> {
		const session = this.session!;
		const exclusive = session.exclusive?.bind(session) ?? ((fn: () => Promise<Credentials>) => fn());
		return exclusive(async () => {
			const stored = this.requireSession();
			if (stored.accessToken !== used.accessToken) return stored; // another process rotated it already
			const res = await this.send('POST', '/api/auth/refresh', { body: { refreshToken: used.refreshToken } });
			if (res.status === 401 || res.status === 400) throw notLoggedIn('Your session has ended');
			const tokens = await readJson<LoginResponse>(await checked(res));
			const rotated = { ...used, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
			session.save(rotated);
			return rotated;
		});
	}
}

function unreachable(baseUrl: string, err: unknown): CliError {
	const e = err as { name?: string; cause?: { code?: string; message?: string } };
	if (e?.name === 'TimeoutError') {
		return new CliError('unreachable', `The oCore server at ${baseUrl} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
	}
	const reason = e?.cause?.code ?? e?.cause?.message ?? (err instanceof Error ? err.message : 'network error');
	return new CliError('unreachable', `Cannot reach the oCore server at ${baseUrl} (${reason})`);
}

/** Non-2xx -> CliError carrying the server's own message (the REST facade's `{error, message}`). */
async function checked(res: Response): Promise<Response> {
	if (res.ok) return res;
	const text = await res.text();
	let error: string | undefined;
	let message = `The server answered ${res.status} ${res.statusText}`.trim();
	try {
		const body = JSON.parse(text) as { error?: unknown; message?: unknown };
		if (typeof body.message === 'string' && body.message) message = body.message;
		if (typeof body.error === 'string') error = body.error;
	} catch {
		/* not our JSON (a proxy's page): keep the status line */
	}
	if (res.status >= 300 && res.status < 400) message = `The server redirected to ${res.headers.get('location') ?? 'elsewhere'}; use its final URL with --url`;
	throw new CliError('http', message, { status: res.status, error });
}

async function readJson<T>(res: Response): Promise<T> {
	const text = await res.text();
	try {
		return JSON.parse(text) as T;
	} catch {
		throw new CliError('http', `The server answered ${res.status} with something that is not JSON; is --url an oCore server?`);
	}
}
