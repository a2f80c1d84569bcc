/**
 * Instances created before container binding existed carry no container id, only the name a user
 * typed, and that name may since have come to mean another org's container. Such a row is never acted
 * on by name: the first time it is used (listed, read, started, stopped, or reached through the
 * gateway) it is bound under exactly the rules a new instance meets (binding.ts), or refused with the
 * same errors. Binding is a compare-and-set on the empty column, so concurrent first uses agree.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { instances, type Instance, type Server } from '../db/schema';
import { isUniqueViolation } from '../db/pg-errors';
import { alreadyBound, resolveBinding } from './binding';
import type { InstanceDeps } from './status';

export async function ensureBound(app: InstanceDeps, instance: Instance, server: Server): Promise<Instance> {
	if (instance.containerId !== null) return instance;
	const binding = await resolveBinding(app, server, instance.orgId, { slug: instance.slug, container: instance.container });
	try {
		const [bound] = await app.db
			.update(instances)
			.set({ containerId: binding.containerId, engineKey: binding.engineKey, status: binding.status, updatedAt: app.clock.now() })
			.where(and(eq(instances.id, instance.id), isNull(instances.containerId)))
			.returning();
		if (bound) return bound;
		const [current] = await app.db.select().from(instances).where(eq(instances.id, instance.id));
		if (current?.containerId) return current;
		throw alreadyBound(instance.container, server);
	} catch (err) {
		if (isUniqueViolation(err, 'instances_engine_container_unique')) throw alreadyBound(instance.container, server);
		throw err;
	}
}
