/**
 * Reading one org's audit log, newest first, filtered by actor, action and time, a page at a time.
 * Scoped by org at the query: only rows of the org's own chain whose org_id is the org are returned.
 * The cursor is the chain sequence number of the last row of the previous page, so pages stay stable
 * while new rows are appended.
 */
import { and, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { auditLogs } from '../db/schema';
import type { HashedFields } from './hash';
import type { AuditListInput } from './schemas';

/** A row as hashed, with its id and hash; chain and org are left out, the query is scoped to both. */
export type AuditLogEntry = Omit<HashedFields, 'chain' | 'orgId'> & { id: number; hash: string };

export type AuditPage = { items: AuditLogEntry[]; nextCursor: string | null };

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listOrgAuditLogs(app: Pick<AppContext, 'db'>, orgId: string, input: AuditListInput): Promise<AuditPage> {
	const conditions: SQL[] = [eq(auditLogs.chain, orgId), eq(auditLogs.orgId, orgId)];
	if (input.actor) {
		conditions.push(
			UUID_PATTERN.test(input.actor)
				? eq(auditLogs.actorUserId, input.actor)
				: sql`lower(${auditLogs.actorEmail}) = ${input.actor.toLowerCase()}`
		);
	}
	if (input.action) conditions.push(eq(auditLogs.action, input.action));
	if (input.from) conditions.push(gte(auditLogs.createdAt, input.from));
	if (input.to) conditions.push(lte(auditLogs.createdAt, input.to));
	if (input.cursor) conditions.push(lt(auditLogs.seq, Number(input.cursor)));

	const rows = await app.db
		.select({
			id: auditLogs.id,
			seq: auditLogs.seq,
			action: auditLogs.action,
			actorUserId: auditLogs.actorUserId,
			actorEmail: auditLogs.actorEmail,
			targetType: auditLogs.targetType,
			targetId: auditLogs.targetId,
			metadata: auditLogs.metadata,
			ipAddress: auditLogs.ipAddress,
			userAgent: auditLogs.userAgent,
			createdAt: auditLogs.createdAt,
			prevHash: auditLogs.prevHash,
			hash: auditLogs.hash
		})
		.from(auditLogs)
		.where(and(...conditions))
		.orderBy(desc(auditLogs.seq))
		.limit(input.limit + 1);

	return pageBySeq(rows, input.limit);
}

/**
 * Cuts rows read newest first with `limit + 1` into a page: the extra row tells whether another page
 * exists without a count query, and the cursor is the last row's chain sequence number.
 */
export function pageBySeq<T extends { seq: number }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
	const items = rows.slice(0, limit);
	const last = items[items.length - 1];
	return { items, nextCursor: rows.length > limit && last ? String(last.seq) : null };
}
