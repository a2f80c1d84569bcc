/**
 * What the gateway looks up: who owns a key, which instance a slug names, how to reach its Docker
 * engine, and whether a user may still use it. Reads only; the services that own these tables
 * (ssh-keys, instances, orgs) stay the only writers.
 */
import { eq, sql } from 'drizzle-orm';
import type { AppConfig } from '../../src/lib/server/config';
import type { Database } from '../../src/lib/server/db/client';
import { users } from '../../src/lib/server/db/schema';
import { findInstanceBySlugForGateway, resolveDockerEndpoint } from '../../src/lib/server/instances/gateway';
import { loadMembershipAccess } from '../../src/lib/server/orgs/access';
import { findUserBySshKey, touchSshKeyLastUsed } from '../../src/lib/server/ssh-keys/lookup';
import type { DockerEndpoint } from '../../src/lib/server/containers/container-backend';
import type { GatewayInstance } from './types';

export type KeyOwner = { userId: string; email: string };

export interface GatewayDirectory {
	findKeyOwner(fingerprint: string): Promise<KeyOwner | null>;
	findUser(userId: string): Promise<KeyOwner | null>;
	touchKey(fingerprint: string, now: Date): Promise<void>;
	findInstanceBySlug(slug: string): Promise<LocatedInstance | null>;
	/** null: not a member of the org; otherwise whether the member holds view:instances. */
	canViewInstances(orgId: string, userId: string): Promise<boolean | null>;
	/** One query for many sessions: which of them still hold key, membership, permission and instance. */
	stillAllowed(sessions: readonly AccessCheck[]): Promise<Map<string, string | null>>;
}

/** An instance and how to reach its engine (secrets are opened only when endpoint() is called). */
export type LocatedInstance = { instance: GatewayInstance; endpoint(): DockerEndpoint };

/** One open session's access facts, re-checked by the revocation watcher. */
export type AccessCheck = { sessionId: string; userId: string; orgId: string; instanceId: string; keyFingerprint: string | null };

export type DirectoryDeps = { db: Database; config: AppConfig };

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
			const { instance, server } = row;
			return {
				instance: {
					id: instance.id,
					slug: instance.slug,
					orgId: instance.orgId,
					serverId: instance.serverId,
					container: instance.container,
					status: instance.status
				},
				endpoint: () => resolveDockerEndpoint({ config: deps.config }, server)
			};
		},
		async canViewInstances(orgId, userId) {
			const access = await loadMembershipAccess(db, orgId, userId);
			if (!access) return null;
			return access.permissions.has('view:instances');
		},
		async stillAllowed(checks) {
			const result = new Map<string, string | null>();
			if (checks.length === 0) return result;
			const values = sql.join(
				checks.map(
					(c) => sql`(${c.sessionId}::text, ${c.userId}::uuid, ${c.orgId}::uuid, ${c.instanceId}::uuid, ${c.keyFingerprint}::text)`
				),
				sql`, `
			);
			// One round trip for every open session of this process, cheap enough to run every 2 s.
			type Verdict = { session_id: string; key_ok: boolean; member: boolean; perm_ok: boolean; instance_ok: boolean };
			const rows = await db.execute(sql`
				select s.session_id,
					(s.fingerprint is null or exists (select 1 from ssh_keys k where k.fingerprint = s.fingerprint and k.user_id = s.user_id)) as key_ok,
					exists (select 1 from memberships m where m.org_id = s.org_id and m.user_id = s.user_id) as member,
					exists (
						select 1 from memberships m join roles r on r.id = m.role_id
						where m.org_id = s.org_id and m.user_id = s.user_id and (m.is_owner or 'view:instances' = any(r.permissions))
					) as perm_ok,
					exists (select 1 from instances i where i.id = s.instance_id and i.org_id = s.org_id) as instance_ok
				from (values ${values}) as s(session_id, user_id, org_id, instance_id, fingerprint)`);
			for (const row of rowsOf<Verdict>(rows)) {
				let why: string | null = null;
				if (!row.key_ok) why = 'the SSH key was removed from the account';
				else if (!row.member) why = 'the user is no longer a member of the org';
				else if (!row.perm_ok) why = 'the user no longer holds view:instances';
				else if (!row.instance_ok) why = 'the instance was deleted';
				result.set(row.session_id, why);
			}
			return result;
		}
	};
}

/** postgres-js returns an array of rows, PGlite an object with `rows`. */
function rowsOf<T>(result: unknown): T[] {
	if (Array.isArray(result)) return result as T[];
	return ((result as { rows?: T[] }).rows ?? []) as T[];
}
