/**
 * servers.reachability, as the Servers page asks it: the real local engine answers with its version;
 * an engine that cannot be reached (no such host, a private address not allowed) gets a user-safe
 * sentence, quickly; a Viewer may ask, an outsider is told the org does not exist.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servers } from '../../../src/lib/server/db/schema';
import { createServer } from '../../../src/lib/server/servers/service';
import { createTestApp, type TestApp } from '../../helpers/app';
import { docker, requireDocker } from '../../helpers/docker';
import { makeTlsMaterial } from '../../helpers/docker-endpoints';
import { serverActor, socketServer } from '../../helpers/instances';
import { callerAs, insertUser, joinOrg, orgWithOwner, uniqueSlug } from '../../helpers/orgs';

const hasDocker = await requireDocker('server reachability tests');

let app: TestApp;
beforeAll(async () => {
	app = await createTestApp({ DOCKER_ALLOW_PRIVATE_HOSTS: '' });
});
afterAll(() => app.close());

describe.skipIf(!hasDocker)('servers.reachability', () => {
	it('reports the engine version of a reachable server and a safe reason for others, each within the short budget', async () => {
		const { owner, org } = await orgWithOwner(app, 'Reach Co');
		const local = await socketServer(app, owner, org.id, 'a-local');
		const tls = makeTlsMaterial();
		const tlsInput = (endpoint: string) => ({ kind: 'tcp' as const, endpoint, tls: { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey } });
		const nowhere = await createServer(app, serverActor(owner), org.id, { name: 'b-nowhere', ...tlsInput(`docker-${uniqueSlug()}.invalid:2376`) });
		const viewer = await insertUser(app, 'viewer');
		await joinOrg(app, owner, org.id, viewer, 'Viewer');

		const started = Date.now();
		const answer = await callerAs(app, viewer).servers.reachability({ orgId: org.id });
		expect(Date.now() - started).toBeLessThan(5_000);
		const version = (await docker.version()).Version;
		expect(answer).toEqual([
			{ serverId: local.id, reachable: true, version },
			{ serverId: nowhere.id, reachable: false, problem: 'Unreachable (the Docker engine did not answer)' }
		]);
	});

	it('says a private address is refused unless DOCKER_ALLOW_PRIVATE_HOSTS names it', async () => {
		const { owner, org } = await orgWithOwner(app, 'Private Co');
		const tls = makeTlsMaterial();
		// Registering refuses a private address, so the stored endpoint is moved there afterwards (as a DNS change would).
		const registered = await createServer(app, serverActor(owner), org.id, {
			name: 'public-now',
			kind: 'tcp',
			endpoint: `docker-${uniqueSlug()}.invalid:2376`,
			tls: { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey }
		});
		await app.db.update(servers).set({ endpoint: '127.0.0.1:2376' }).where(eq(servers.id, registered.id));
		const [answer] = await callerAs(app, owner).servers.reachability({ orgId: org.id });
		expect(answer).toEqual({
			serverId: registered.id,
			reachable: false,
			problem: 'On a private or loopback address, which oCore does not connect to unless DOCKER_ALLOW_PRIVATE_HOSTS names it'
		});
	});

	it('is refused to an outsider as to a stranger to the org', async () => {
		const { org } = await orgWithOwner(app, 'Closed Co');
		const outsider = await insertUser(app, 'outsider');
		await expect(callerAs(app, outsider).servers.reachability({ orgId: org.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});
});
