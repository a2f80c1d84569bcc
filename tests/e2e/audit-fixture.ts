/**
 * A lived-in org for the audit-log flow, made the way people make one: accounts, the org, a server,
 * members, roles, invitations and an instance through the REST API (and tRPC over HTTP where REST has
 * no route), and SSH sessions by the stock `ssh` client against the server's gateway and a real test
 * container. Every row of the org's audit chain is therefore written by the code that writes it in
 * production. Unique names, so a kept database can be reused.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOCKER_SOCKET_PATH, startTestContainer, type TestContainer } from '../helpers/docker';
import { generateKey } from '../helpers/ssh-keys';
import { newAccount, type Account } from './helpers';

export type Person = Account & { token: string; userId: string };

type Reply = { status: number; body: any };

export function restClient(baseUrl: string) {
	async function call(method: string, pathname: string, token?: string, body?: unknown): Promise<Reply> {
		const headers: Record<string, string> = {};
		if (token) headers.authorization = `Bearer ${token}`;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const res = await fetch(baseUrl + pathname, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
		const text = await res.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : null;
		} catch {
			/* not JSON */
		}
		return { status: res.status, body: parsed };
	}
	async function ok(method: string, pathname: string, token: string | undefined, body: unknown, status: number, what: string) {
		const reply = await call(method, pathname, token, body);
		if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
		return reply.body;
	}
	/** A tRPC mutation over HTTP, for what the REST facade has no route for (roles, renaming). */
	async function trpc(procedure: string, token: string, input: unknown) {
		return (await ok('POST', `/api/trpc/${procedure}`, token, { json: input }, 200, procedure)).result.data.json;
	}
	/** Signs up (or, when the account exists, only signs in) and returns a bearer token. */
	async function person(account: Account): Promise<Person> {
		const signup = await call('POST', '/api/auth/signup', undefined, account);
		if (signup.status !== 201 && signup.status !== 409) throw new Error(`signup ${account.email}: ${signup.status}`);
		const login = await ok('POST', '/api/auth/login', undefined, { email: account.email, password: account.password }, 200, 'login');
		return { ...account, token: login.accessToken, userId: login.user.id };
	}
	return { call, ok, trpc, person };
}

const knownHosts = path.join(mkdtempSync(path.join(tmpdir(), 'ocore-e2e-audit-')), 'known_hosts');

/** The stock `ssh` client running one command as `user` on the gateway at 127.0.0.1:`port`. */
export function runSsh(port: number, keyFile: string, user: string, command: string): Promise<{ code: number | null; stderr: string }> {
	const args = ['-p', String(port), '-o', 'StrictHostKeyChecking=accept-new', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'IdentitiesOnly=yes'];
	args.push('-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', '-i', keyFile, `${user}@127.0.0.1`, command);
	return new Promise((resolve, reject) => {
		const child = spawn('ssh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stderr });
		});
	});
}

export type AuditFixture = {
	orgId: string;
	orgName: string;
	instanceSlug: string;
	owner: Person;
	bob: Person;
	carol: Person;
	dave: Person;
	/** How many `ssh` commands bob ran (each one a started and an ended row); every third exits 3. */
	sshRuns: number;
	container: TestContainer;
	/** How many rows the org's chain holds once the fixture is made. */
	rowCount: number;
};

/**
 * `owner` must be a platform admin (only one may register the local Docker socket). 55 org
 * events: membership and role changes, invitations, an instance stopped and started, SSH commands
 * that exit 0 and 3, and refusals (a member without view:instances; a stopped instance).
 */
const SSH_RUNS = 15;

export async function seedAuditLog(baseUrl: string, ownerAccount: Account): Promise<AuditFixture> {
	const api = restClient(baseUrl);
	const stamp = Date.now().toString(36);
	const owner = await api.person(ownerAccount);
	const org = await api.ok('POST', '/api/orgs', owner.token, { name: `Audit ${stamp}`, slug: `audit-${stamp}` }, 201, 'create org');
	const orgId: string = org.id;
	const server = await api.ok('POST', '/api/servers', owner.token, { orgId, name: `local-${stamp}`, kind: 'socket', endpoint: DOCKER_SOCKET_PATH }, 201, 'server');

	const invite = async (email: string, role: string) =>
		(await api.ok('POST', `/api/orgs/${orgId}/members`, owner.token, { email, role }, 201, `invite ${email}`)).invitation.id as string;
	const join = async (prefix: string, role: string) => {
		const p = await api.person(newAccount(prefix));
		const id = await invite(p.email, role);
		await api.ok('POST', `/api/user/invitations/${id}/accept`, p.token, undefined, 200, `accept ${p.email}`);
		return p;
	};
	const bob = await join('bob', 'Developer');
	const carol = await join('carol', 'Viewer');
	const auditor = await api.trpc('orgs.roles.create', owner.token, { orgId, name: 'Auditor', permissions: ['view:audit_logs'] });
	const dave = await join('dave', 'Auditor');
	await api.trpc('orgs.roles.update', owner.token, { orgId, roleId: auditor.id, permissions: ['view:audit_logs', 'view:members'] });

	const container = await startTestContainer(`audit-${stamp}`, { org: orgId });
	const instanceSlug = `shop-${stamp}`;
	const instance = { orgId, slug: instanceSlug, name: 'Acme shop', serverId: server.id, container: container.name };
	await api.ok('POST', '/api/instances', owner.token, instance, 201, 'instance');

	for (let i = 0; i < 3; i++) {
		await api.ok('PATCH', `/api/orgs/${orgId}/members/${carol.userId}`, owner.token, { role: 'Developer' }, 200, 'role up');
		await api.ok('PATCH', `/api/orgs/${orgId}/members/${carol.userId}`, owner.token, { role: 'Viewer' }, 200, 'role down');
	}
	const pending = await invite(`erin-${stamp}@e2e.test`, 'Viewer');
	await api.ok('POST', `/api/orgs/${orgId}/invitations/${pending}/resend`, owner.token, undefined, 200, 'resend');
	await api.ok('DELETE', `/api/orgs/${orgId}/invitations/${pending}`, owner.token, undefined, 204, 'revoke');
	await api.trpc('orgs.rename', owner.token, { orgId, name: `Audit ${stamp} Hosting` });

	const { port } = (await api.ok('GET', '/api/ssh/client-config', undefined, undefined, 200, 'ssh config')) as { port: number };
	const keyFor = async (p: Person) => {
		const key = generateKey('ed25519', undefined, p.email);
		await api.ok('POST', '/api/user/ssh-keys', p.token, { name: `laptop-${stamp}`, publicKey: key.line }, 201, 'key');
		return key.privateFile;
	};
	const bobKey = await keyFor(bob);
	const daveKey = await keyFor(dave);
	for (let i = 0; i < SSH_RUNS; i++) {
		const exit = i % 3 === 2 ? 3 : 0;
		const result = await runSsh(port, bobKey, instanceSlug, `echo run ${i}; exit ${exit}`);
		if (result.code !== exit) throw new Error(`ssh run ${i}: exit ${result.code} ${result.stderr}`);
	}
	const refused = await runSsh(port, daveKey, instanceSlug, 'true');
	if (refused.code === 0) throw new Error('dave should have been refused');
	await api.ok('POST', `/api/instances/${instanceSlug}/stop`, owner.token, undefined, 200, 'stop');
	await runSsh(port, bobKey, instanceSlug, 'true');
	await api.ok('POST', `/api/instances/${instanceSlug}/start`, owner.token, undefined, 200, 'start');

	const log = await api.ok('GET', `/api/orgs/${orgId}/audit-logs?limit=200`, owner.token, undefined, 200, 'audit log');
	return { orgId, orgName: `Audit ${stamp} Hosting`, instanceSlug, owner, bob, carol, dave, sshRuns: SSH_RUNS, container, rowCount: log.items.length };
}
