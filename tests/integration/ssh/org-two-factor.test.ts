/**
 * The SSH gateway under an org's 2FA requirement, with the stock `ssh` client against the shipped
 * server and a real test container: a member without 2FA is refused before any container session
 * with the line naming the org (exit 1, nothing on stdout), and the refusal is in the org's audit log;
 * a member with 2FA gets in beside them; once the requirement is off the same member gets in.
 * The server is one of this file's own (tests/helpers/seedable-server.ts): 2FA is turned on by writing
 * the totp_credentials row into its database, since this build has no route that confirms a TOTP setup.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueEmail, uniqueIp } from '../../helpers/app';
import { DOCKER_SOCKET_PATH, startTestContainer, type TestContainer } from '../../helpers/docker';
import { turnOnTwoFactorInDb } from '../../helpers/mfa';
import { startSeedableServer, type SeedableServer } from '../../helpers/seedable-server';
import { clientOptions, runClient, uniqueName } from '../../helpers/ssh';
import { generateKey, type GeneratedKey } from '../../helpers/ssh-keys';

const hasDocker = inject('sshDocker');
const ADMIN_EMAIL = `mfa-admin-${uniqueName('x')}@ssh.test`;
const ORG = 'SSH MFA Co';
const LINE = `${ORG} requires two-factor authentication. Turn it on in Settings > Security.\n`;

describe.skipIf(!hasDocker)('an org that requires 2FA, over SSH', () => {
	let srv: SeedableServer;
	let container: TestContainer | undefined;
	let orgId: string;
	let slug: string;
	type Person = { token: string; id: string; email: string; key: GeneratedKey };
	let owner: Person, secured: Person, dev: Person;

	async function call(method: string, pathname: string, token?: string, body?: unknown) {
		const headers: Record<string, string> = { 'x-forwarded-for': uniqueIp() };
		if (token) headers.authorization = `Bearer ${token}`;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const res = await fetch(srv.server.baseUrl + pathname, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
		const text = await res.text();
		return { status: res.status, body: text ? JSON.parse(text) : null };
	}

	async function person(email: string): Promise<Person> {
		const password = 'correct horse 42';
		await call('POST', '/api/auth/signup', undefined, { email, password, name: email.split('@')[0] });
		const login = await call('POST', '/api/auth/login', undefined, { email, password });
		if (login.status !== 200) throw new Error(`login ${email}: ${login.status}`);
		const key = generateKey('ed25519', undefined, email);
		const added = await call('POST', '/api/user/ssh-keys', login.body.accessToken, { name: uniqueName('key'), publicKey: key.line });
		if (added.status !== 201) throw new Error(`key: ${added.status}`);
		return { token: login.body.accessToken, id: login.body.user.id, email, key };
	}

	async function join(member: Person, role: string) {
		const invited = await call('POST', `/api/orgs/${orgId}/members`, owner.token, { email: member.email, role });
		const accepted = await call('POST', `/api/user/invitations/${invited.body.invitation.id}/accept`, member.token);
		if (accepted.status !== 200) throw new Error(`accept: ${accepted.status}`);
	}

	function ssh(p: Person, command: string) {
		return runClient('ssh', ['-p', String(srv.server.sshPort), ...clientOptions(p.key.privateFile), `${slug}@127.0.0.1`, command]);
	}

	beforeAll(async () => {
		srv = await startSeedableServer({ ADMIN_EMAILS: ADMIN_EMAIL });
		owner = await person(ADMIN_EMAIL); // a platform admin, so it may register the local Docker socket
		[secured, dev] = [await person(uniqueEmail('secured')), await person(uniqueEmail('dev'))];
		orgId = (await call('POST', '/api/orgs', owner.token, { name: ORG, slug: uniqueName('ssh-mfa') })).body.id;
		const server = await call('POST', '/api/servers', owner.token, { orgId, name: uniqueName('local'), kind: 'socket', endpoint: DOCKER_SOCKET_PATH });
		if (server.status !== 201) throw new Error(`server: ${server.status} ${JSON.stringify(server.body)}`);
		await join(secured, 'Developer');
		await join(dev, 'Developer');
		container = await startTestContainer('sshmfa', { org: orgId });
		slug = uniqueName('sshmfa');
		const instance = await call('POST', '/api/instances', owner.token, { orgId, slug, name: 'MFA instance', serverId: server.body.id, container: container.name });
		if (instance.status !== 201) throw new Error(`instance: ${instance.status} ${JSON.stringify(instance.body)}`);
		await srv.seed(async (db) => {
			await turnOnTwoFactorInDb(db, owner.id);
			await turnOnTwoFactorInDb(db, secured.id);
		});
		const required = await call('PATCH', `/api/orgs/${orgId}/settings`, owner.token, { requireTwoFactor: true });
		if (required.status !== 200) throw new Error(`require: ${required.status} ${JSON.stringify(required.body)}`);
	}, 300_000);
	afterAll(async () => {
		await container?.remove();
		await srv?.stop();
	});

	it('refuses a member without 2FA with a line naming the org, before any session, and audits it', async () => {
		const r = await ssh(dev, 'echo should-not-run');
		expect(r).toMatchObject({ code: 1, stdout: '', stderr: LINE });
		const log = await call('GET', `/api/orgs/${orgId}/audit-logs?action=ssh.session_refused`, owner.token);
		expect(log.body.items[0]).toMatchObject({ action: 'ssh.session_refused', actorUserId: dev.id, metadata: expect.objectContaining({ code: 'mfa_required' }) });
		const started = await call('GET', `/api/orgs/${orgId}/audit-logs?action=ssh.session_started`, owner.token);
		expect(started.body.items.filter((i: { actorUserId: string }) => i.actorUserId === dev.id)).toEqual([]);
	});

	it('lets a member with 2FA in beside them, and the refused member once the requirement is off', async () => {
		expect(await ssh(secured, 'echo in')).toMatchObject({ code: 0, stdout: 'in\n' });
		expect((await call('PATCH', `/api/orgs/${orgId}/settings`, owner.token, { requireTwoFactor: false })).status).toBe(200);
		expect(await ssh(dev, 'echo now-in')).toMatchObject({ code: 0, stdout: 'now-in\n' });
	});
});
