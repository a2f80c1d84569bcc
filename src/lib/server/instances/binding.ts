/**
 * Binding an instance to a container, and turning engine failures into user-safe errors.
 *
 * Policy (container assignment):
 * - A container is bound once: at creation the engine is asked for the container's full id, stored
 *   with the engine's key (servers/engine-policy); the unique (engine_key, container_id) makes a
 *   second binding, by name or by id, in any org, a 409 that does not say who holds it. From then on
 *   status, start, stop and the gateway address the container by that id only.
 * - The platform's own engine (servers of kind `socket`) runs every org's containers: a container
 *   there can be bound only by the org it was assigned to, i.e. created with the label
 *   `ocore.org=<orgId>` (Docker labels are fixed at creation). A container that does not exist and
 *   one that is not assigned to the org get one and the same 409, so members cannot probe the names
 *   of other orgs' containers.
 * - On any engine, a container labelled `ocore.org=<another org>` is refused (a tcp/ssh engine
 *   belongs to the org that registered it, so unlabelled containers there are the org's own).
 * - The container must exist: a missing one is 409, an unreachable engine 502. Nothing is stored then.
 */
import { isContainerBackendError } from '../containers/container-backend';
import type { Server } from '../db/schema';
import { AppError, isAppError } from '../errors';
import { logger } from '../logger';
import { engineKeyOf } from '../servers/engine-policy';
import { resolveDockerEndpoint } from '../servers/service';
import { statusOf, type InstanceDeps, type InstanceStatus } from './status';

/** The Docker label that assigns a container to an org. */
export const ORG_LABEL = 'ocore.org';

export type ContainerBinding = { containerId: string; engineKey: string; status: InstanceStatus };

/** What an engine failure is about: the instance's slug (for the log) and the container as the user named it. */
type Target = { slug: string; container: string };

/** A user-safe AppError for a failed engine call; the engine's detail goes to the log (one warn line). */
export function engineFailure(err: unknown, target: Target, server: Server, verb: string): AppError {
	if (!isContainerBackendError(err)) return isAppError(err) ? err : new AppError('internal', 'Internal error', { cause: err });
	logger.warn(`instance ${verb} failed`, { instance: target.slug, server: server.id, reason: err.reason, detail: err.message });
	switch (err.reason) {
		case 'missing':
			return new AppError('conflict', `Container "${target.container}" does not exist on server "${server.name}"`);
		case 'unreachable':
			return new AppError('bad_gateway', `The Docker engine of server "${server.name}" is unreachable`);
		case 'blocked_address':
			return new AppError(
				'bad_gateway',
				`The Docker engine of server "${server.name}" is on a private or loopback address, which oCore does not connect to unless DOCKER_ALLOW_PRIVATE_HOSTS names it`
			);
		default:
			return new AppError('bad_gateway', `Docker could not ${verb} container "${target.container}"`);
	}
}

function notAssigned(container: string, server: Server, orgId: string): AppError {
	return new AppError(
		'conflict',
		`Container "${container}" does not exist on server "${server.name}" or is not assigned to this organization; ` +
			`a platform administrator assigns a container by creating it with the label ${ORG_LABEL}=${orgId}`
	);
}

/** Asks the engine for the container and applies the assignment rules above; no database access. */
export async function resolveBinding(app: InstanceDeps, server: Server, orgId: string, target: Target): Promise<ContainerBinding> {
	const engineKey = engineKeyOf(server);
	if (engineKey === null) throw new AppError('internal', `Server "${server.name}" has a malformed endpoint`);
	const shared = server.kind === 'socket';
	let identity;
	try {
		identity = await app.containers.inspect({ endpoint: resolveDockerEndpoint(app, server), container: target.container });
	} catch (err) {
		if (shared && isContainerBackendError(err) && err.reason === 'missing') throw notAssigned(target.container, server, orgId);
		throw engineFailure(err, target, server, 'bind');
	}
	const assignedTo = identity.labels[ORG_LABEL];
	if (shared && assignedTo !== orgId) throw notAssigned(target.container, server, orgId);
	if (assignedTo !== undefined && assignedTo !== orgId) {
		throw new AppError('conflict', `Container "${target.container}" on server "${server.name}" is assigned to another organization (label ${ORG_LABEL})`);
	}
	return { containerId: identity.id, engineKey, status: statusOf(identity.state) };
}

export function alreadyBound(container: string, server: Server): AppError {
	return new AppError('conflict', `Container "${container}" on server "${server.name}" is already bound to an instance`);
}
