/**
 * Driving the stock OpenSSH clients (ssh, scp, sftp, rsync) against the gateway of the server that
 * tests/helpers/ssh-global-setup.ts started, and building fixtures (owner, org, server, container,
 * instance, key) through the REST API with unique names.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { DOCKER_SOCKET_PATH, startTestContainer, type TestContainer } from './docker';
import { api, inviteAndAccept, signUpAndLogin } from './http';
import { uniqueEmail } from './app';
import { generateKey, type GeneratedKey } from './ssh-keys';

import { PLATFORM_ADMIN_EMAIL } from './ssh-limits';
export { TEST_IDLE_TIMEOUT_SECONDS, TEST_MAX_SESSIONS_PER_USER } from './ssh-limits';

export type ClientResult = { code: number | null; signal: string | null; stdout: string; stderr: string; stdoutBytes: Buffer; ms: number };

let workDir: string | undefined;
export function clientDir(): string {
	workDir ??= mkdtempSync(path.join(tmpdir(), 'ocore-ssh-client-'));
	return workDir;
}

export function knownHostsFile(): string {
	return path.join(clientDir(), 'known_hosts');
}

export function sshPort(): number {
	return inject('sshPort');
}

/** Runs a client to completion. stdin is /dev/null unless `input` is given (then written and closed). */
export function runClient(
	command: string,
	args: string[],
	options: { input?: string | Buffer; timeoutMs?: number; env?: Record<string, string>; cwd?: string } = {}
): Promise<ClientResult> {
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
			env: { ...process.env, ...options.env },
			cwd: options.cwd
		});
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout!.on('data', (d: Buffer) => out.push(d));
		child.stderr!.on('data', (d: Buffer) => err.push(d));
		if (options.input !== undefined) {
			child.stdin!.on('error', () => {});
			child.stdin!.end(options.input);
		}
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			const stdoutBytes = Buffer.concat(out);
			resolve({ code, signal, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes, ms: performance.now() - started });
		});
	});
}

/** The options every client gets: the test's known_hosts, only the given key, never a prompt. */
export function clientOptions(keyFile: string): string[] {
	return [
		'-o', 'StrictHostKeyChecking=accept-new',
		'-o', `UserKnownHostsFile=${knownHostsFile()}`,
		'-o', 'IdentitiesOnly=yes',
		'-o', 'BatchMode=yes',
		'-o', 'LogLevel=ERROR',
		'-i', keyFile
	];
}

export function sshArgs(keyFile: string, user: string, extra: string[] = []): string[] {
	return ['-p', String(sshPort()), ...clientOptions(keyFile), ...extra, `${user}@127.0.0.1`];
}

export function ssh(
	keyFile: string,
	user: string,
	command?: string,
	options: { extra?: string[]; input?: string | Buffer; timeoutMs?: number; env?: Record<string, string> } = {}
) {
	const args = sshArgs(keyFile, user, options.extra);
	if (command !== undefined) args.push(command);
	return runClient('ssh', args, { input: options.input, timeoutMs: options.timeoutMs, env: options.env });
}

export function uniqueName(prefix: string): string {
	return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export type Account = { email: string; token: string; userId: string };

export async function newAccount(prefix = 'gw'): Promise<Account> {
	const email = uniqueEmail(prefix);
	const login = await signUpAndLogin(email);
	return { email, token: login.accessToken, userId: login.user.id };
}

/** Registers a fresh ssh-keygen key on the account; returns the key files and the stored key's id. */
export async function addKey(account: Account, type = 'ed25519', bits?: number): Promise<GeneratedKey & { id: string }> {
	const key = generateKey(type, bits, `${account.email}`);
	const res = await api('POST', '/api/user/ssh-keys', { token: account.token, body: { name: uniqueName('key'), publicKey: key.line } });
	if (res.status !== 201) throw new Error(`adding a key failed: ${res.status} ${JSON.stringify(res.body)}`);
	return { ...key, id: res.body.id };
}

export type GatewayFixture = {
	owner: Account;
	orgId: string;
	serverId: string;
	slug: string;
	instanceId: string;
	container: TestContainer;
	key: GeneratedKey & { id: string };
};

function expectStatus(res: { status: number; body: unknown }, status: number, what: string) {
	if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

let admin: Promise<Account> | undefined;

export function platformAdmin(): Promise<Account> {
	admin ??= (async () => {
		const password = 'correct horse 42';
		const signup = await api('POST', '/api/auth/signup', { body: { email: PLATFORM_ADMIN_EMAIL, password, name: 'Gateway Admin' } });
		if (signup.status !== 201 && signup.status !== 409) expectStatus(signup, 201, 'admin signup');
		const login = await api('POST', '/api/auth/login', { body: { email: PLATFORM_ADMIN_EMAIL, password } });
		expectStatus(login, 200, 'admin login');
		return { email: PLATFORM_ADMIN_EMAIL, token: login.body.accessToken, userId: login.body.user.id };
	})();
	return admin;
}

/**
 * A new org (made by the platform admin, who registers the local Docker socket as its server), a new
 * account holding the Admin role in it (the fixture's "owner": it creates the instance, members and
 * roles), a running test container registered as an instance, and a key for that account.
 */
export async function gatewayFixture(prefix = 'gw'): Promise<GatewayFixture> {
	const root = await platformAdmin();
	const org = await api('POST', '/api/orgs', { token: root.token, body: { name: 'Gateway Test', slug: uniqueName(prefix) } });
	expectStatus(org, 201, 'create org');
	const server = await api('POST', '/api/servers', {
		token: root.token,
		body: { orgId: org.body.id, name: uniqueName('local'), kind: 'socket', endpoint: DOCKER_SOCKET_PATH }
	});
	expectStatus(server, 201, 'create server');
	const owner = await newAccount(`${prefix}-owner`);
	const added = await inviteAndAccept(org.body.id, root.token, owner, 'Admin');
	expectStatus(added, 200, 'add the fixture owner');
	const container = await startTestContainer(prefix, { org: org.body.id });
	const slug = uniqueName(prefix);
	const instance = await api('POST', '/api/instances', {
		token: owner.token,
		body: { orgId: org.body.id, slug, name: 'Gateway test instance', serverId: server.body.id, container: container.name }
	});
	expectStatus(instance, 201, 'create instance');
	const key = await addKey(owner);
	return { owner, orgId: org.body.id, serverId: server.body.id, slug, instanceId: instance.body.id, container, key };
}

/** Adds a new account to the fixture's org with a role, and gives it a key. */
export async function memberOf(fixture: GatewayFixture, role: string, prefix = 'member') {
	const account = await newAccount(prefix);
	const added = await inviteAndAccept(fixture.orgId, fixture.owner.token, account, role);
	expectStatus(added, 200, 'add member');
	const key = await addKey(account);
	return { account, key };
}

/** A custom role through the REST facade. */
export async function createRole(fixture: GatewayFixture, name: string, permissions: string[]): Promise<void> {
	const res = await fetch(`${inject('baseUrl')}/api/orgs/${fixture.orgId}/roles`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${fixture.owner.token}` },
		body: JSON.stringify({ name, permissions })
	});
	if (!res.ok) throw new Error(`create role failed: ${res.status} ${await res.text()}`);
}

/** An ~/.ssh/config file with the README's block, pointing at the test gateway. */
export function writeSshConfig(keyFile: string, prefix = 'ocore-', user = '%n'): string {
	const file = path.join(clientDir(), `config-${randomBytes(3).toString('hex')}`);
	writeFileSync(
		file,
		[
			`Host ${prefix}*`,
			'    HostName 127.0.0.1',
			`    Port ${sshPort()}`,
			`    User ${user}`,
			`    IdentityFile ${keyFile}`,
			'    IdentitiesOnly yes',
			'    StrictHostKeyChecking accept-new',
			`    UserKnownHostsFile ${knownHostsFile()}`,
			'    BatchMode yes',
			'    LogLevel ERROR',
			''
		].join('\n')
	);
	return file;
}

export { waitFor } from './poll';

export type LiveClient = {
	/** Resolves once stdout contains the text. */
	waitForOutput(text: string, timeoutMs?: number): Promise<void>;
	result: Promise<ClientResult>;
	kill(): void;
};

/** Starts ssh and lets the test watch its output while it runs. */
export function startSsh(keyFile: string, user: string, command: string, extra: string[] = []): LiveClient {
	const started = performance.now();
	const child = spawn('ssh', [...sshArgs(keyFile, user, extra), command], { stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	const waiters: Array<() => void> = [];
	child.stdout.on('data', (d) => {
		stdout += d;
		for (const w of waiters.splice(0)) w();
	});
	child.stderr.on('data', (d) => (stderr += d));
	const result = new Promise<ClientResult>((resolve) => {
		child.on('close', (code, signal) => {
			for (const w of waiters.splice(0)) w();
			resolve({ code, signal, stdout, stderr, stdoutBytes: Buffer.from(stdout), ms: performance.now() - started });
		});
	});
	return {
		result,
		kill: () => child.kill('SIGKILL'),
		waitForOutput(text, timeoutMs = 30_000) {
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no "${text}" in ${timeoutMs} ms; stdout=${stdout} stderr=${stderr}`)), timeoutMs);
				const check = () => {
					if (stdout.includes(text)) {
						clearTimeout(timer);
						resolve();
					} else if (child.exitCode !== null || child.signalCode !== null) {
						clearTimeout(timer);
						reject(new Error(`ssh ended before "${text}": stdout=${stdout} stderr=${stderr}`));
					} else waiters.push(check);
				};
				check();
			});
		}
	};
}

/** A command that stays busy (one line a second), so the idle timeout never ends it. */
export const TICKING = 'i=0; while [ $i -lt 60 ]; do echo tick $i; i=$((i+1)); sleep 1; done';
