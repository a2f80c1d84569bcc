/**
 * Limits and revocation with real clients: the per-user session limit (2 in this suite), the idle
 * timeout (4 s in this suite), and live sessions closed within seconds when the key is deleted, the
 * member removed, or the role loses view:instances; other users' sessions carry on.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTestContainers } from '../../helpers/docker';
import { api } from '../../helpers/http';
import {
	addKey,
	createRole,
	gatewayFixture,
	memberOf,
	ssh,
	startSsh,
	TEST_IDLE_TIMEOUT_SECONDS,
	TEST_MAX_SESSIONS_PER_USER,
	TICKING,
	waitFor,
	type GatewayFixture
} from '../../helpers/ssh';

const hasDocker = inject('sshDocker');

describe.skipIf(!hasDocker)('limits and revocation', () => {
	let fx: GatewayFixture;

	beforeAll(async () => {
		fx = await gatewayFixture('lim');
	});
	afterAll(() => removeTestContainers());

	it(`refuses a session beyond ${TEST_MAX_SESSIONS_PER_USER} per user, saying which limit; a slot frees when one ends`, async () => {
		const user = await memberOf(fx, 'Developer', 'limited');
		const running = Array.from({ length: TEST_MAX_SESSIONS_PER_USER }, () => startSsh(user.key.privateFile, fx.slug, TICKING));
		try {
			await Promise.all(running.map((c) => c.waitForOutput('tick 0')));
			const refused = await ssh(user.key.privateFile, fx.slug, 'echo third');
			expect(refused).toMatchObject({
				code: 1,
				stdout: '',
				stderr: `Session limit reached: at most ${TEST_MAX_SESSIONS_PER_USER} concurrent sessions per user\n`
			});
			// Another user is not affected by this user's sessions.
			expect(await ssh(fx.key.privateFile, fx.slug, 'echo owner')).toMatchObject({ code: 0, stdout: 'owner\n' });
		} finally {
			running[0]!.kill();
		}
		const freed = await waitFor(async () => {
			const r = await ssh(user.key.privateFile, fx.slug, 'echo freed');
			return r.code === 0 ? r : null;
		}, 30_000, 1000);
		expect(freed.stdout).toBe('freed\n');
		for (const c of running) c.kill();
	});

	it(`closes a session after ${TEST_IDLE_TIMEOUT_SECONDS} s without traffic, with a message; a busy one stays`, async () => {
		const idle = await ssh(fx.key.privateFile, fx.slug, 'sleep 60', { timeoutMs: 60_000 });
		expect(idle.code).toBe(255);
		expect(idle.stdout).toBe('');
		expect(idle.stderr).toBe(`Idle timeout: closed after ${TEST_IDLE_TIMEOUT_SECONDS} seconds without activity\n`);
		expect(idle.ms).toBeGreaterThanOrEqual(TEST_IDLE_TIMEOUT_SECONDS * 1000);
		expect(idle.ms).toBeLessThan(TEST_IDLE_TIMEOUT_SECONDS * 1000 + 15_000);

		const busy = await ssh(fx.key.privateFile, fx.slug, 'for i in 1 2 3 4 5 6 7 8; do echo $i; sleep 1; done');
		expect(busy).toMatchObject({ code: 0, stdout: '1\n2\n3\n4\n5\n6\n7\n8\n', stderr: '' });
	});

	it('deleting the key closes the live session within seconds: Access revoked', async () => {
		const account = await memberOf(fx, 'Developer', 'keyrev');
		const live = startSsh(account.key.privateFile, fx.slug, TICKING);
		const bystander = startSsh(fx.key.privateFile, fx.slug, TICKING);
		await Promise.all([live.waitForOutput('tick 1'), bystander.waitForOutput('tick 0')]);
		const deleted = await api('DELETE', `/api/user/ssh-keys/${account.key.id}`, { token: account.account.token });
		expect(deleted.status).toBe(204);
		const since = performance.now();
		const r = await live.result;
		expect(performance.now() - since).toBeLessThan(10_000);
		expect(r.code).toBe(255);
		expect(r.stderr).toBe('Access revoked\n');
		// The owner's session is untouched.
		await bystander.waitForOutput('tick 3');
		bystander.kill();
		// And the deleted key no longer gets in at all.
		const again = await ssh(account.key.privateFile, fx.slug, 'true');
		expect(again.code).toBe(255);
		expect(again.stderr).toContain('Permission denied (publickey)');
	});

	it('removing the member closes their live session within seconds', async () => {
		const member = await memberOf(fx, 'Developer', 'memrev');
		const live = startSsh(member.key.privateFile, fx.slug, TICKING);
		await live.waitForOutput('tick 1');
		const removed = await api('DELETE', `/api/orgs/${fx.orgId}/members/${member.account.userId}`, { token: fx.owner.token });
		expect(removed.status).toBe(204);
		const since = performance.now();
		const r = await live.result;
		expect(performance.now() - since).toBeLessThan(10_000);
		expect(r).toMatchObject({ code: 255, stderr: 'Access revoked\n' });
		expect(await ssh(member.key.privateFile, fx.slug, 'true')).toMatchObject({ code: 1, stderr: 'Instance not found\n' });
	});

	it('a role change that drops view:instances closes the live session within seconds', async () => {
		await createRole(fx, 'members-only', ['view:members']);
		const member = await memberOf(fx, 'Developer', 'rolerev');
		const live = startSsh(member.key.privateFile, fx.slug, TICKING);
		await live.waitForOutput('tick 1');
		const changed = await api('PATCH', `/api/orgs/${fx.orgId}/members/${member.account.userId}`, {
			token: fx.owner.token,
			body: { role: 'members-only' }
		});
		expect(changed.status).toBe(200);
		const r = await live.result;
		expect(r).toMatchObject({ code: 255, stderr: 'Access revoked\n' });
		expect(await ssh(member.key.privateFile, fx.slug, 'true')).toMatchObject({ code: 1, stderr: 'Permission denied: view:instances\n' });
	});

	it('a client that vanishes leaves no process behind in the container', async () => {
		const marker = `sleep 1${Math.floor(Math.random() * 1000) + 1000}`;
		const running = (r: { stdout: string }) => r.stdout.split('\n').some((l) => l.trim() === marker);
		const list = () => ssh(fx.key.privateFile, fx.slug, 'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline 2>/dev/null | sed "s/ $//"; echo; done');
		const live = startSsh(fx.key.privateFile, fx.slug, `${marker}; echo never`);
		await waitFor(async () => running(await list()), 20_000, 500);
		live.kill();
		await waitFor(async () => !running(await list()), 20_000, 500);
	});

	it('a second key of the same user keeps working after the first is deleted', async () => {
		const member = await memberOf(fx, 'Developer', 'twokeys');
		const second = await addKey(member.account);
		expect((await api('DELETE', `/api/user/ssh-keys/${member.key.id}`, { token: member.account.token })).status).toBe(204);
		expect(await ssh(second.privateFile, fx.slug, 'echo second')).toMatchObject({ code: 0, stdout: 'second\n' });
	});
});
