/**
 * Reading one org's audit log, newest first, filtered by actor, action and time, a page at a time,
 * each row with its sentence (names.ts). Scoped by org at the query: only rows of the org's own chain
 * whose org_id is the org are returned. Cursors are chain sequence numbers: `cursor` asks for the rows
 * older than it, `after` for the rows newer than it, so pages stay stable while rows are appended.
 */
import { and, asc, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { auditLogs } from '../db/schema';
import type { HashedFields } from './hash';
import { describeAuditRows } from './names';
import type { AuditListInput } from './schemas';

/** A row as hashed, with its id and hash; chain and org are left out, the query is scoped to both. */
export type AuditLogRow = Omit<HashedFields, 'chain' | 'orgId'> & { id: number; hash: string };

/** A row with its sentence ("Alice changed Bob's role ...") and its actor's current name. */
export type AuditLogEntry = AuditLogRow & { description: string; actorName: string | null };

export type AuditPage = { items: AuditLogEntry[]; nextCursor: string | null; prevCursor: string | null };

export type SeqWindow = { limit: number; cursor?: string; after?: string };

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The columns every audit listing reads (the org log, the security log, the export). */
export const AUDIT_ROW_COLUMNS = {
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
};

/** The filter conditions of the list and the export. */
export function orgAuditConditions(orgId: string, input: Pick<AuditListInput, 'actor' | 'action' | 'from' | 'to'>): SQL[] {
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
	return conditions;
}

/** Where a page starts and which way it is read: older than `cursor`, or newer than `after`. */
export function seqWindow(input: SeqWindow): { condition: SQL | null; order: SQL } {
	if (input.after) return { condition: gt(auditLogs.seq, Number(input.after)), order: asc(auditLogs.seq) };
	return { condition: input.cursor ? lt(auditLogs.seq, Number(input.cursor)) : null, order: desc(auditLogs.seq) };
}

export async function listOrgAuditLogs(app: Pick<AppContext, 'db'>, orgId: string, input: AuditListInput): Promise<AuditPage> {
	const conditions = orgAuditConditions(orgId, input);
	const window = seqWindow(input);
	if (window.condition) conditions.push(window.condition);
	const rows = await app.db
		.select(AUDIT_ROW_COLUMNS)
		.from(auditLogs)
		.where(and(...conditions))
		.orderBy(window.order)
		.limit(input.limit + 1);
	const page = pageBySeq(rows, input);
	return { ...page, items: await describeAuditRows(app.db, page.items) };
}

/**
 * Cuts rows read with `limit + 1` (newest first, or oldest first after `after`) into a page, newest
 * first: the extra row tells whether another page lies that way without a count query. The other way
 * there is one whenever the page was reached by a cursor, since the cursor's own row lies there.
 */
export function pageBySeq<T extends { seq: number }>(rows: T[], input: SeqWindow): { items: T[]; nextCursor: string | null; prevCursor: string | null } {
	const more = rows.length > input.limit;
	const items = rows.slice(0, input.limit);
	if (input.after) items.reverse();
	const newest = items[0];
	const oldest = items[items.length - 1];
	if (!newest || !oldest) return { items, nextCursor: null, prevCursor: null };
	const olderExists = input.after ? true : more;
	const newerExists = input.after ? more : input.cursor !== undefined;
	return {
		items,
		nextCursor: olderExists ? String(oldest.seq) : null,
		prevCursor: newerExists ? String(newest.seq) : null
	};
}
