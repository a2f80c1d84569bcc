/**
 * What the SSH gateway (and the browser terminal) need to find an instance by the slug a user typed.
 * It returns rows only: the caller still authorizes (membership, `view:instances`, status) and opens
 * the server's credentials with resolveDockerEndpoint right before use.
 */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { instances, servers, type Instance, type Server } from '../db/schema';
import { SLUG_PATTERN } from '../slugs';

/** An instance as the gateway sees it (the core imports this type; there is no other definition). */
export type GatewayInstance = Pick<Instance, 'id' | 'slug' | 'orgId' | 'serverId' | 'container' | 'status'>;

export async function findInstanceBySlugForGateway(db: DbOrTx, slug: string): Promise<{ instance: Instance; server: Server } | null> {
	// A user name that cannot be a slug never reaches the database.
	if (!SLUG_PATTERN.test(slug)) return null;
	const [row] = await db
		.select({ instance: instances, server: servers })
		.from(instances)
		.innerJoin(servers, eq(servers.id, instances.serverId))
		.where(eq(instances.slug, slug));
	return row ?? null;
}

export { resolveDockerEndpoint } from '../servers/service';
export { boundContainerOf, containerRefOf, syncInstanceStatus } from './status';
