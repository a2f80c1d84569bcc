/**
 * The gateway's directory: who owns a key, which instance a slug names, how to reach its Docker
 * engine, and whether a user may still use it. Reads only; the services that own these tables
 * (ssh-keys, instances, orgs) stay the only writers, and every access decision is the orgs domain's
 * one evaluator (orgs/access.ts). The gateway core sees only the GatewayDirectory interface.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { instances, servers, sshKeys, users, type Instance, type Server } from '../db/schema';
import { ensureBound } from '../instances/bind-legacy';
import type { InstanceDeps } from '../instances/status';
import { logger } from '../logger';
import { boundContainerOf, findInstanceBySlugForGateway, resolveDockerEndpoint } from '../instances/gateway';
import { accessSubquery, accessVerdict, verdictsFor } from '../orgs/access';
import { liveSessionIds } from '../auth/session-store';
import { findUserBySshKey, touchSshKeyLastUsed } from '../ssh-keys/lookup';
import { openSessionsSql } from './registry';
import type { GatewayDirectory, LocatedInstance } from './types';

export type DirectoryDeps = InstanceDeps;

export function databaseDirectory(deps: DirectoryDeps): GatewayDirectory {
	const { db } = deps;

	/** A found row as the core sees it; a row made before container binding is bound now, or not reachable. */
	async function located(row: Instance, server: Server): Promise<LocatedInstance | null> {
		const instance = await ensureBound(deps, row, server).catch((err: unknown) => {
			logger.warn('gateway refused an instance that could not be bound', { instance: row.slug, detail: err instanceof Error ? err.message : String(err) });
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
	}

	return {
		async findKeyOwner(fingerprint) {
			const owner = await findUserBySshKey(db, fingerprint);
			return owner ? { userId: owner.userId, email: owner.email } : null;
		},
		async touchKey(fingerprint, now) {
			await touchSshKeyLastUsed(db, fingerprint, now);
		},
		async findInstanceBySlug(slug) {
			const row = await findInstanceBySlugForGateway(db, slug);
			return row ? located(row.instance, row.server) : null;
		},
		async lookup(owner, slugs) {
			// On every connect and every new session, so one round trip: the owner (by key or id), each
			// candidate instance with its server, the access rule joined for (instance org, owner), and the
			// owner's open sessions. At most one row per candidate slug (slugs, fingerprints and
			// memberships are unique; totp_credentials is keyed by user).
			const access = accessSubquery(db, instances.orgId, users.id, 'view:instances');
			const rows = await db
				.select({
					userId: users.id,
					email: users.email,
					instance: instances,
					server: servers,
					memberUserId: access.memberUserId,
					allowed: access.allowed,
					lacksRequiredTwoFactor: access.lacksRequiredTwoFactor,
					orgName: access.orgName,
					openSessions: openSessionsSql(users.id, deps.clock.now())
				})
				.from(users)
				.leftJoin(sshKeys, owner.kind === 'key' ? and(eq(sshKeys.userId, users.id), eq(sshKeys.fingerprint, owner.fingerprint)) : sql`false`)
				.leftJoin(instances, slugs.length === 0 ? sql`false` : inArray(instances.slug, [...slugs]))
				.leftJoin(servers, eq(servers.id, instances.serverId))
				.leftJoinLateral(access, sql`true`)
				.where(owner.kind === 'key' ? eq(sshKeys.fingerprint, owner.fingerprint) : eq(users.id, owner.userId));
			const first = rows[0];
			if (!first) return null;
			// The most likely slug first; one whose row cannot be bound is passed over, as if it did not exist.
			for (const slug of slugs) {
				const row = rows.find((r) => r.instance?.slug === slug);
				const found = row?.instance && row.server ? await located(row.instance, row.server) : null;
				if (row && found) return { owner: { userId: first.userId, email: first.email }, located: found, access: accessVerdict(row), openSessions: first.openSessions };
			}
			return { owner: { userId: first.userId, email: first.email }, located: null, access: { verdict: 'not_member' }, openSessions: first.openSessions };
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
