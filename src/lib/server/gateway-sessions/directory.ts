/**
 * The gateway's directory: who owns a key, which instance a slug names, how to reach its Docker
 * engine, and whether a user may still use it. Reads only; the services that own these tables
 * (ssh-keys, instances, orgs) stay the only writers, and every access decision is the orgs domain's
 * one evaluator (orgs/access.ts). The gateway core sees only the GatewayDirectory interface.
 */
import { eq, inArray } from 'drizzle-orm';
import { instances, sshKeys, users } from '../db/schema';
import { ensureBound } from '../instances/bind-legacy';
import type { InstanceDeps } from '../instances/status';
import { logger } from '../logger';
import { boundContainerOf, findInstanceBySlugForGateway, resolveDockerEndpoint } from '../instances/gateway';
import { isAppError } from '../errors';
import { authorizeInOrg, verdictsFor } from '../orgs/access';
import { liveSessionIds } from '../auth/session-store';
import { findUserBySshKey, touchSshKeyLastUsed } from '../ssh-keys/lookup';
import type { GatewayDirectory } from './types';

export type DirectoryDeps = InstanceDeps;

export function databaseDirectory(deps: DirectoryDeps): GatewayDirectory {
	const { db } = deps;
	return {
		async findKeyOwner(fingerprint) {
			const owner = await findUserBySshKey(db, fingerprint);
			return owner ? { userId: owner.userId, email: owner.email } : null;
		},
		async findUser(userId) {
			const [row] = await db.select({ userId: users.id, email: users.email }).from(users).where(eq(users.id, userId));
			return row ?? null;
		},
		async touchKey(fingerprint, now) {
			await touchSshKeyLastUsed(db, fingerprint, now);
		},
		async findInstanceBySlug(slug) {
			const row = await findInstanceBySlugForGateway(db, slug);
			if (!row) return null;
			const { server } = row;
			// A row made before container binding is bound now under the binding rules, or not reachable.
			const instance = await ensureBound(deps, row.instance, server).catch((err: unknown) => {
				logger.warn('gateway refused an instance that could not be bound', { instance: slug, detail: err instanceof Error ? err.message : String(err) });
				return null;
			});
			if (!instance) return null;
			return {
				instance: {
					id: instance.id,
					slug: instance.slug,
					orgId: instance.orgId,
					serverId: instance.serverId,
					container: boundContainerOf(instance),
					status: instance.status
				},
				endpoint: () => resolveDockerEndpoint({ config: deps.config }, server)
			};
		},
		async instanceAccess(orgId, userId) {
			// The rule's own order of refusals (outsider, 2FA requirement, permission), read off its errors.
			try {
				await authorizeInOrg(db, { orgId, userId, permission: 'view:instances' });
				return { verdict: 'allowed' };
			} catch (err) {
				if (!isAppError(err)) throw err;
				if (err.code === 'not_found') return { verdict: 'not_member' };
				if (err.publicCode === 'mfa_required') return { verdict: 'mfa_required', message: err.message };
				if (err.code === 'forbidden') return { verdict: 'forbidden' };
				throw err;
			}
		},
		async stillAllowed(checks) {
			const result = new Map<string, string | null>();
			if (checks.length === 0) return result;
			const fingerprints = [...new Set(checks.map((c) => c.keyFingerprint).filter((f): f is string => f !== null))];
			const instanceIds = [...new Set(checks.map((c) => c.instanceId))];
			const browserSessionIds = [...new Set(checks.map((c) => c.browserSessionId).filter((s): s is string => s !== null))];
			// Four queries for every open session of this process, cheap enough to run every 2 s.
			const [keyRows, liveBrowserSessions, instanceRows, verdict] = await Promise.all([
				fingerprints.length === 0
					? []
					: db.select({ fingerprint: sshKeys.fingerprint, userId: sshKeys.userId }).from(sshKeys).where(inArray(sshKeys.fingerprint, fingerprints)),
				browserSessionIds.length === 0 ? new Set<string>() : liveSessionIds(deps, browserSessionIds, deps.clock.now()),
				db.select({ id: instances.id, orgId: instances.orgId }).from(instances).where(inArray(instances.id, instanceIds)),
				verdictsFor(db, checks, 'view:instances')
			]);
			const keyOwner = new Map(keyRows.map((k) => [k.fingerprint, k.userId]));
			const instanceOrg = new Map(instanceRows.map((i) => [i.id, i.orgId]));
			for (const check of checks) {
				let why: string | null = null;
				const access = verdict(check);
				if (check.keyFingerprint !== null && keyOwner.get(check.keyFingerprint) !== check.userId) why = 'the SSH key was removed from the account';
				else if (check.browserSessionId !== null && !liveBrowserSessions.has(check.browserSessionId)) why = 'the browser session ended (signed out or revoked)';
				else if (access === 'not_member') why = 'the user is no longer a member of the org';
				else if (access === 'forbidden') why = 'the user no longer holds view:instances';
				else if (access === 'mfa_required') why = 'the org requires two-factor authentication and the user has none';
				else if (instanceOrg.get(check.instanceId) !== check.orgId) why = 'the instance was deleted';
				result.set(check.sessionId, why);
			}
			return result;
		}
	};
}
