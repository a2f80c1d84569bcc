/**
 * What the benchmarks that run a gateway in their own process share: memory readings after garbage
 * collection, and an instance on a test container with an owner's SSH key, written as rows (bound
 * as createInstance binds one; the container is labelled for another org, so the service would
 * refuse it, and the benchmark measures the gateway, not instance creation).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AppContext } from '../../src/lib/server/app-context';
import { instances, servers, sshKeys } from '../../src/lib/server/db/schema';
import type { TestContainer } from '../helpers/docker';
import { orgWithOwner } from '../helpers/orgs';
import { defaultEnvironmentId } from '../helpers/projects';
import { generateKey, type GeneratedKey } from '../helpers/ssh-keys';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export type MemorySample = { rss: number; heap: number };

export function memory(): MemorySample {
	gc();
	gc();
	const m = process.memoryUsage();
	return { rss: m.rss, heap: m.heapUsed + m.external };
}

export async function benchInstance(app: AppContext, container: TestContainer, slug: string): Promise<{ key: GeneratedKey }> {
	const { owner, org } = await orgWithOwner(app, 'Bench');
	const [server] = await app.db.insert(servers).values({ orgId: org.id, name: 'local', kind: 'socket', endpoint: '/var/run/docker.sock' }).returning();
	await app.db.insert(instances).values({
		orgId: org.id,
		environmentId: await defaultEnvironmentId(app, org.id),
		slug,
		name: 'Bench',
		serverId: server!.id,
		container: container.name,
		containerId: container.id,
		engineKey: 'socket:/var/run/docker.sock',
		status: 'running'
	});
	const key = generateKey('ed25519');
	await app.db.insert(sshKeys).values({ userId: owner.id, name: 'bench', type: 'ssh-ed25519', bits: 256, fingerprint: key.keygenFingerprint, publicKey: key.line.split(' ').slice(0, 2).join(' ') });
	return { key };
}
