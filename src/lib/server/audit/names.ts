/**
 * Audit rows described for people: the names of everyone a page of rows mentions are read in one
 * query (never one per row), then describe.ts writes each sentence. Rows keep the actor's email as it
 * was; the name is today's, and a deleted user falls back to that email.
 */
import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { users } from '../db/schema';
import { describeAuditRow, userIdsToName, type DescribableAuditRow } from './describe';

export async function userNames(db: DbOrTx, ids: readonly string[]): Promise<Map<string, string>> {
	if (ids.length === 0) return new Map();
	const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, [...ids]));
	return new Map(rows.map((r) => [r.id, r.name]));
}

export type Described<T> = T & { description: string; actorName: string | null };

/** Each row with its sentence and its actor's current name; `viewerId`'s own rows read "You ...". */
export async function describeAuditRows<T extends DescribableAuditRow>(
	db: DbOrTx,
	rows: readonly T[],
	viewerId?: string
): Promise<Described<T>[]> {
	const names = await userNames(db, userIdsToName(rows));
	return rows.map((row) => ({
		...row,
		description: describeAuditRow(row, { names, viewerId }),
		actorName: (row.actorUserId && names.get(row.actorUserId)) || null
	}));
}
