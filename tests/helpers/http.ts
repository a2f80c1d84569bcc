/** Talking to the running test server as a client would: real HTTP, JSON bodies, a client address per test. */
import { inject } from 'vitest';
import { uniqueIp } from './app';

export function baseUrl(): string {
	return inject('baseUrl');
}

export type ApiResult<T = any> = { status: number; body: T; headers: Headers };

export async function api<T = any>(
	method: string,
	pathname: string,
	options: { body?: unknown; rawBody?: string; token?: string; ip?: string; headers?: Record<string, string> } = {}
): Promise<ApiResult<T>> {
	const headers: Record<string, string> = { 'x-forwarded-for': options.ip ?? uniqueIp(), ...options.headers };
	if (options.token) headers.authorization = `Bearer ${options.token}`;
	let body: string | undefined;
	if (options.rawBody !== undefined) body = options.rawBody;
	else if (options.body !== undefined) body = JSON.stringify(options.body);
	if (body !== undefined) headers['content-type'] ??= 'application/json';
	const res = await fetch(baseUrl() + pathname, { method, headers, body, redirect: 'manual' });
	const text = await res.text();
	let parsed: any = text;
	try {
		parsed = text ? JSON.parse(text) : null;
	} catch {
		/* not JSON: keep text */
	}
	return { status: res.status, body: parsed, headers: res.headers };
}

/** Sign up and sign in a fresh user over the REST API; returns its tokens. */
export async function signUpAndLogin(email: string, password = 'correct horse 42', name = 'Test User') {
	const ip = uniqueIp();
	const signup = await api('POST', '/api/auth/signup', { body: { email, password, name }, ip });
	if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${JSON.stringify(signup.body)}`);
	const login = await api('POST', '/api/auth/login', { body: { email, password }, ip });
	if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
	return login.body as { accessToken: string; refreshToken: string; expiresIn: number; user: { id: string; email: string } };
}

/**
 * Over HTTP, makes the holder of `member.token` a member: the admin invites their address, they
 * accept with their own token. Returns the accept response ({orgId, roleId, role} on success).
 */
export async function inviteAndAccept(orgId: string, adminToken: string, member: { token: string; email: string }, role: string) {
	const invited = await api('POST', `/api/orgs/${orgId}/members`, { token: adminToken, body: { email: member.email, role } });
	if (invited.status !== 201) return invited;
	return api('POST', `/api/user/invitations/${invited.body.invitation.id}/accept`, { token: member.token });
}
