/**
 * Instances created before container binding existed (rows with no container id, as migration 0005
 * left them) are never acted on by the name they carry: that name may by now be another org's
 * container. On first use they are bound under the same assignment rules as a new instance, or
 * refused, by every path: reading, start, stop and the gateway's lookup.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instances } from '../../../src/lib/server/db/schema';
import { databaseDirectory } from '../../../src/lib/server/gateway-sessions/directory';
import { createTestApp, type TestApp } from '../../helpers/app';
import { docker, ensureTestImage, removeTestContainers, requireDocker, startTestContainer } from '../../helpers/docker';
import { socketServer } from '../../helpers/instances';
import { defaultEnvironmentId } from '../../helpers/projects';
import { callerAs, orgWithOwner, uniqueSlug, type TestUser } from '../../helpers/orgs';

const hasDocker = await requireDocker('legacy instance binding tests');

const errorOf = (p: Promise<unknown>) => p.then(() => null, (e: { code: string; message: string }) => ({ code: e.code, message: e.message }));
const running = async (name: string) => (await docker.getContainer(name).inspect()).State.Running;

let app: TestApp;
let owner: TestUser;
let orgId: string;
let serverId: string;
let otherOrgId: string;

/** A row as it stood before binding: the container's name only, status as last seen. */
async function legacyInstance(container: string): Promise<string> {
	const slug = uniqueSlug('legacy');
	await app.db.insert(instances).values({ orgId, environmentId: await defaultEnvironmentId(app, orgId), slug, name: 'Legacy', serverId, container, status: 'running' });
	return slug;
}

const rowOf = async (slug: string) => (await app.db.select().from(instances).where(eq(instances.slug, slug)))[0]!;

beforeAll(async () => {
	if (!hasDocker) return;
	await ensureTestImage();
	app = await createTestApp();
	({ owner, org: { id: orgId } } = await orgWithOwner(app, 'Legacy A'));
	serverId = (await socketServer(app, owner, orgId)).id;
	otherOrgId = (await orgWithOwner(app, 'Legacy B')).org.id;
}, 20 * 60_000);
afterAll(async () => {
	await removeTestContainers();
	await app?.close();
});

describe.skipIf(!hasDocker)('instances made before container binding', () => {
	it('never reach another org’s container through the old name: start, stop, read and the gateway refuse', async () => {
		const theirs = await startTestContainer('legacy-theirs', { org: otherOrgId });
		const slug = await legacyInstance(theirs.name);
		const caller = callerAs(app, owner);

		const stop = await errorOf(caller.instances.stop({ slug }));
		expect(stop).toMatchObject({ code: 'CONFLICT' });
		expect(stop!.message).toContain(`is not assigned to this organization`);
		expect(stop!.message).not.toContain(otherOrgId);
		expect(await running(theirs.name)).toBe(true);
		expect(await errorOf(caller.instances.start({ slug }))).toMatchObject({ code: 'CONFLICT' });

		await caller.instances.get({ slug });
		expect((await rowOf(slug)).containerId).toBeNull();
		expect(await databaseDirectory(app).findInstanceBySlug(slug)).toBeNull();
		expect(await running(theirs.name)).toBe(true);
	});

	it('are bound to their own org’s container on first use, by its full id', async () => {
		const ours = await startTestContainer('legacy-ours', { org: orgId });
		const slug = await legacyInstance(ours.name);

		await expect(callerAs(app, owner).instances.get({ slug })).resolves.toMatchObject({ slug, status: 'running' });
		const bound = await rowOf(slug);
		expect(bound.containerId).toBe(ours.id);
		expect(bound.engineKey).toBe(`socket:${app.config.dockerSocketPath}`);

		const located = await databaseDirectory(app).findInstanceBySlug(slug);
		expect(located?.instance).toMatchObject({ slug, container: ours.id, status: 'running' });
	});

	it('are bound by the gateway too when it is the first to look one up', async () => {
		const ours = await startTestContainer('legacy-gateway', { org: orgId });
		const slug = await legacyInstance(ours.name);
		const located = await databaseDirectory(app).findInstanceBySlug(slug);
		expect(located?.instance).toMatchObject({ slug, container: ours.id });
		expect((await rowOf(slug)).containerId).toBe(ours.id);
	});
});
