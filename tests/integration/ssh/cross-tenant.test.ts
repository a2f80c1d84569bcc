/**
 * No path through the gateway reaches another org's container on the shared local engine: org A
 * cannot bind org B's container (so ssh to the slug it wanted finds no instance), and an instance
 * whose container name is taken over by another org's container still runs commands in its own.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { docker, removeTestContainers, startTestContainer } from '../../helpers/docker';
import { api } from '../../helpers/http';
import { gatewayFixture, memberOf, ssh, uniqueName, type GatewayFixture } from '../../helpers/ssh';

const hasDocker = inject('sshDocker');

describe.skipIf(!hasDocker)('cross-tenant containers through the gateway', () => {
	let a: GatewayFixture;
	let b: GatewayFixture;

	beforeAll(async () => {
		[a, b] = await Promise.all([gatewayFixture('xa'), gatewayFixture('xb')]);
	});
	afterAll(() => removeTestContainers());

	it('a Developer of org A cannot bind org B’s container, so ssh to the slug finds no instance; B’s container is untouched', async () => {
		const developer = await memberOf(a, 'Developer', 'xdev');
		await ssh(b.key.privateFile, b.slug, 'echo b-was-here > /tmp/marker');
		for (const container of [b.container.name, b.container.id]) {
			const slug = uniqueName('steal');
			const created = await api('POST', '/api/instances', {
				token: developer.account.token,
				body: { orgId: a.orgId, slug, name: 'Steal', serverId: a.serverId, container }
			});
			expect(created.status).toBe(409);
			expect(created.body.message).toContain(`ocore.org=${a.orgId}`);
			expect(created.body.message).not.toContain(b.orgId);
			const r = await ssh(developer.key.privateFile, slug, 'cat /tmp/marker');
			expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'Instance not found\n' });
		}
		expect((await docker.getContainer(b.container.id).inspect()).State.Running).toBe(true);
		expect(await ssh(b.key.privateFile, b.slug, 'cat /tmp/marker')).toMatchObject({ code: 0, stdout: 'b-was-here\n' });
	});

	it('an instance whose container name is taken over by another org’s container still reaches its own', async () => {
		const original = a.container.name;
		await docker.getContainer(a.container.id).rename({ name: `${original}-moved` });
		const impostor = await startTestContainer(original, { org: b.orgId, exactName: true });
		try {
			// Docker names a container's host after the first 12 characters of its id.
			expect(await ssh(a.key.privateFile, a.slug, 'hostname')).toMatchObject({ code: 0, stdout: `${a.container.id.slice(0, 12)}\n` });
		} finally {
			await impostor.remove();
			await docker.getContainer(a.container.id).rename({ name: original });
		}
	});
});
