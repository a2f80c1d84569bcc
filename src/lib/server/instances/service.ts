/**
 * Instances: an org's named handle on one container of one of its servers. Create, list, read,
 * start, stop and delete.
 *
 * Policy:
 * - Slugs are unique platform-wide (they are SSH user names); a taken slug is 409 whoever holds it.
 * - Reading needs `view:instances`, changing needs `manage:instances`, in the instance's org. A
 *   non-member gets `Instance not found` whether or not the slug exists; a server of another org is
 *   `Server not found`.
 * - Start and stop go to Docker outside any transaction, then read the state back: the stored
 *   status is what the engine reports, not what was asked for. Engine failures are 502 with a
 *   user-safe message; the engine's own words go to the log only.
 * - Which container an instance may be bound to, and that it acts on that container only, is
 *   binding.ts (container assignment).
 * - Deleting an instance forgets it; the container is left as it is.
 * - An instance belongs to one environment of its own org (projects/placement.ts); every view carries
 *   the names of its project and environment, read through that link.
 */
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import { ContainerBackendError } from '../containers/container-backend';
import { environments, instances, projects, servers, type Instance } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { isUniqueViolation } from '../db/pg-errors';
import { AppError } from '../errors';
import { authorizeInOrg, orgIdsPermitting } from '../orgs/access';
import type { Permission } from '../orgs/permissions';
import { auditOrg, type ActingUser } from '../orgs/store';
import { placeInstance } from '../projects/placement';
import { requireEnvironmentInOrg } from '../projects/store';
import { requireServerInOrg } from '../servers/service';
import { ensureBound } from './bind-legacy';
import { alreadyBound, engineFailure, resolveBinding } from './binding';
import type { CreateInstanceInput } from './schemas';
import { containerRefOf, recordStatus, statusOf, syncInstanceStatus, type InstanceDeps } from './status';

export type InstanceView = {
	id: string;
	orgId: string;
	slug: string;
	name: string;
	projectId: string;
	/** The project's name, read through the environment (what the free-text field used to hold). */
	project: string;
	environmentId: string;
	environment: string;
	serverId: string;
	container: string;
	status: Instance['status'];
	createdAt: Date;
	updatedAt: Date;
};

/** The names of an instance's project and environment, joined in by every read. */
export type InstancePlace = { projectId: string; project: string; environment: string };

const placeColumns = { projectId: projects.id, project: projects.name, environment: environments.name };

export function toInstanceView(row: Instance, place: InstancePlace): InstanceView {
	const { id, orgId, slug, name, environmentId, serverId, container, status, createdAt, updatedAt } = row;
	const { projectId, project, environment } = place;
	return { id, orgId, slug, name, projectId, project, environmentId, environment, serverId, container, status, createdAt, updatedAt };
}

const notFound = () => new AppError('not_found', 'Instance not found');

/** The org an instance belongs to, or null: how procedures addressed by slug find whom to ask. */
export async function orgIdOfInstance(db: DbOrTx, slug: string): Promise<string | null> {
	const [row] = await db.select({ orgId: instances.orgId }).from(instances).where(eq(instances.slug, slug));
	return row?.orgId ?? null;
}

/** The instance, its server and the caller's access, or not_found for outsiders; then the permission. */
async function loadForActor(app: InstanceDeps, userId: string, slug: string, permission: Permission) {
	const [row] = await app.db
		.select({ instance: instances, server: servers, place: placeColumns })
		.from(instances)
		.innerJoin(servers, eq(servers.id, instances.serverId))
		.innerJoin(environments, eq(environments.id, instances.environmentId))
		.innerJoin(projects, eq(projects.id, environments.projectId))
		.where(eq(instances.slug, slug));
	if (!row) throw notFound();
	await authorizeInOrg(app.db, { orgId: row.instance.orgId, userId, permission, notFoundMessage: notFound().message });
	return row;
}

/** The instances matching `where`, by slug, statuses refreshed. */
async function listSynced(app: InstanceDeps, where: SQL): Promise<InstanceView[]> {
	const rows = await app.db
		.select({ instance: instances, server: servers, place: placeColumns })
		.from(instances)
		.innerJoin(servers, eq(servers.id, instances.serverId))
		.innerJoin(environments, eq(environments.id, instances.environmentId))
		.innerJoin(projects, eq(projects.id, environments.projectId))
		.where(where)
		.orderBy(asc(instances.slug));
	return Promise.all(rows.map(async (r) => toInstanceView(await syncInstanceStatus(app, r.instance, r.server), r.place)));
}

export async function createInstance(app: InstanceDeps, actor: ActingUser, orgId: string, input: CreateInstanceInput): Promise<InstanceView> {
	// Authorize before asking the engine anything, so outsiders cannot probe containers.
	await authorizeInOrg(app.db, { orgId, userId: actor.userId, permission: 'manage:instances' });
	const server = await requireServerInOrg(app.db, orgId, input.serverId);
	// A wrong environment is told before the engine is asked; placeInstance checks again in the transaction.
	if (input.environmentId !== undefined) await requireEnvironmentInOrg(app.db, orgId, input.environmentId);
	const binding = await resolveBinding(app, server, orgId, input);
	const now = app.clock.now();
	try {
		return await app.db.transaction(async (tx) => {
			// Again inside the transaction: the engine call took time, and access may have changed.
			await authorizeInOrg(tx, { orgId, userId: actor.userId, permission: 'manage:instances' });
			await requireServerInOrg(tx, orgId, server.id);
			const place = await placeInstance(tx, orgId, actor, input, now);
			const [instance] = await tx
				.insert(instances)
				.values({
					orgId,
					slug: input.slug,
					name: input.name,
					environmentId: place.environment.id,
					serverId: server.id,
					container: input.container,
					containerId: binding.containerId,
					engineKey: binding.engineKey,
					status: binding.status,
					createdAt: now,
					updatedAt: now
				})
				.returning();
			if (!instance) throw new Error('instance insert returned nothing');
			const { slug, name, container } = instance;
			const project = place.project.name;
			const environment = place.environment.name;
			const metadata = { slug, name, project, environment, environmentId: place.environment.id, container, serverId: server.id, server: server.name };
			await auditOrg(tx, orgId, actor, { action: 'instance.created', targetType: 'instance', targetId: instance.id, metadata }, now);
			return toInstanceView(instance, { projectId: place.project.id, project, environment });
		});
	} catch (err) {
		if (isUniqueViolation(err, 'instances_slug_unique')) throw new AppError('conflict', `The slug "${input.slug}" is already taken`);
		if (isUniqueViolation(err, 'instances_engine_container_unique')) throw alreadyBound(input.container, server);
		throw err;
	}
}

/** The org's instances by slug, statuses refreshed. The caller is authorized by the front door (view:instances). */
export async function listInstances(app: InstanceDeps, orgId: string): Promise<InstanceView[]> {
	return listSynced(app, eq(instances.orgId, orgId));
}

/** Instances of every org where `userId` holds view:instances (owners hold everything). */
export async function listInstancesForUser(app: InstanceDeps, userId: string): Promise<InstanceView[]> {
	const orgIds = await orgIdsPermitting(app.db, userId, 'view:instances');
	if (orgIds.length === 0) return [];
	return listSynced(app, inArray(instances.orgId, orgIds));
}

export async function getInstance(app: InstanceDeps, userId: string, slug: string): Promise<InstanceView> {
	const { instance, server, place } = await loadForActor(app, userId, slug, 'view:instances');
	return toInstanceView(await syncInstanceStatus(app, instance, server), place);
}

async function changePower(app: InstanceDeps, actor: ActingUser, slug: string, verb: 'start' | 'stop'): Promise<InstanceView> {
	const { instance: row, server, place } = await loadForActor(app, actor.userId, slug, 'manage:instances');
	const instance = await ensureBound(app, row, server);
	let status: Instance['status'];
	try {
		const ref = containerRefOf(app, instance, server);
		await (verb === 'start' ? app.containers.start(ref) : app.containers.stop(ref));
		const state = await app.containers.state(ref);
		if (state === 'missing') throw new ContainerBackendError('missing', `${instance.container} vanished after ${verb}`);
		status = statusOf(state);
	} catch (err) {
		throw engineFailure(err, instance, server, verb);
	}
	const now = app.clock.now();
	return app.db.transaction(async (tx) => {
		const [current] = await tx.select().from(instances).where(eq(instances.id, instance.id)).for('update');
		if (!current) throw notFound();
		const updated = await recordStatus(tx, current, status, now);
		await auditOrg(
			tx,
			instance.orgId,
			actor,
			{
				action: verb === 'start' ? 'instance.started' : 'instance.stopped',
				targetType: 'instance',
				targetId: instance.id,
				metadata: { slug: instance.slug, container: instance.container, server: server.name, status }
			},
			now
		);
		return toInstanceView(updated, place);
	});
}

export function startInstance(app: InstanceDeps, actor: ActingUser, slug: string): Promise<InstanceView> {
	return changePower(app, actor, slug, 'start');
}

export function stopInstance(app: InstanceDeps, actor: ActingUser, slug: string): Promise<InstanceView> {
	return changePower(app, actor, slug, 'stop');
}

/** Forgets the instance (the container is left untouched). */
export async function deleteInstance(app: InstanceDeps, actor: ActingUser, slug: string): Promise<{ slug: string }> {
	const { instance } = await loadForActor(app, actor.userId, slug, 'manage:instances');
	const now = app.clock.now();
	await app.db.transaction(async (tx) => {
		const deleted = await tx
			.delete(instances)
			.where(and(eq(instances.id, instance.id), eq(instances.orgId, instance.orgId)))
			.returning({ id: instances.id });
		if (deleted.length === 0) throw notFound();
		const { name, container, serverId } = instance;
		await auditOrg(
			tx,
			instance.orgId,
			actor,
			{ action: 'instance.deleted', targetType: 'instance', targetId: instance.id, metadata: { slug, name, container, serverId } },
			now
		);
	});
	return { slug };
}
