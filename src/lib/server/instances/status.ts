/**
 * An instance's status follows its container's real state: running -> 'running'; stopped or
 * missing -> 'stopped'. Reads ask the engine with a short budget (the backend's state timeout, and
 * an outer bound here for any backend), and keep the stored status when the engine does not answer,
 * so a dead engine slows a listing by at most that budget and never fails it.
 */
import { eq } from 'drizzle-orm';
import type { ContainerRef, ContainerState } from '../containers/container-backend';
import type { AppContext } from '../app-context';
import type { DbOrTx } from '../db/client';
import { instances, servers, type Instance, type Server } from '../db/schema';
import { logger } from '../logger';
import { resolveDockerEndpoint } from '../servers/service';
import { ensureBound } from './bind-legacy';

export type InstanceDeps = Pick<AppContext, 'db' | 'clock' | 'config' | 'containers'>;
export type InstanceStatus = Instance['status'];

/** Upper bound on one status read, whatever the backend does. */
const SYNC_TIMEOUT_MS = 6_000;

export function statusOf(state: ContainerState): InstanceStatus {
	return state === 'running' ? 'running' : 'stopped';
}

/**
 * The container an instance acts on: the full id resolved when it was bound, so a container renamed
 * or replaced under the same name is never reached through it. Never the name: a row made before
 * binding existed is bound first (bind-legacy.ts).
 */
export function boundContainerOf(instance: Pick<Instance, 'slug' | 'containerId'>): string {
	if (instance.containerId === null) throw new Error(`instance ${instance.slug} is not bound to a container`);
	return instance.containerId;
}

export function containerRefOf(app: Pick<AppContext, 'config'>, instance: Instance, server: Server): ContainerRef {
	return { endpoint: resolveDockerEndpoint(app, server), container: boundContainerOf(instance) };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Stores `status` when it differs; returns the row as it now is. */
export async function recordStatus(db: DbOrTx, instance: Instance, status: InstanceStatus, now: Date): Promise<Instance> {
	if (instance.status === status) return instance;
	const [updated] = await db
		.update(instances)
		.set({ status, updatedAt: now })
		.where(eq(instances.id, instance.id))
		.returning();
	return updated ?? instance;
}

/** Refreshes the stored status from Docker; on any failure the stored one stands. */
export async function syncInstanceStatus(app: InstanceDeps, instance: Instance, server?: Server): Promise<Instance> {
	try {
		const row = server ?? (await app.db.select().from(servers).where(eq(servers.id, instance.serverId)))[0];
		if (!row) return instance;
		const bound = await withTimeout(ensureBound(app, instance, row), SYNC_TIMEOUT_MS);
		const state = await withTimeout(app.containers.state(containerRefOf(app, bound, row)), SYNC_TIMEOUT_MS);
		return await recordStatus(app.db, bound, statusOf(state), app.clock.now());
	} catch (err) {
		logger.warn('instance status not refreshed', {
			instance: instance.slug,
			detail: err instanceof Error ? err.message : String(err)
		});
		return instance;
	}
}
