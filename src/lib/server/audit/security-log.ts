/**
 * A user's security log: their own account events (sign-ins, sign-outs, password, sessions, SSH keys)
 * from the account chain, newest first, a page at a time.
 *
 * Policy: readable by that user only. The query is scoped by the caller's user id, taken from the
 * session, never from input; no org admin and no other user can read another account's events. Rows
 * name a session by its device and address, never by its id.
 */
import { and, eq, or, type SQL } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { auditLogs } from '../db/schema';
import { describeUserAgent } from '../sessions/describe-device';
import { ACCOUNT_CHAIN } from './append';
import { describeAuditRow } from './describe';
import { AUDIT_ROW_COLUMNS, pageBySeq, seqWindow } from './query';
import type { SecurityLogInput } from './schemas';

export type SecurityEvent = {
	id: number;
	action: string;
	/** The event as a sentence, for people: "You signed in", "You added the SSH key "laptop" (ED25519)". */
	summary: string;
	createdAt: Date;
	ipAddress: string | null;
	userAgent: string | null;
	device: string;
	browser: string;
	metadata: Record<string, unknown>;
};

export type SecurityLogPage = { items: SecurityEvent[]; nextCursor: string | null; prevCursor: string | null };

export async function listSecurityLog(app: Pick<AppContext, 'db'>, userId: string, input: SecurityLogInput): Promise<SecurityLogPage> {
	// The reader's own events, and the few done to their account by someone else (an org owner's reset of their 2FA).
	const mine = or(eq(auditLogs.actorUserId, userId), and(eq(auditLogs.targetType, 'user'), eq(auditLogs.targetId, userId)))!;
	const conditions: SQL[] = [eq(auditLogs.chain, ACCOUNT_CHAIN), mine];
	const window = seqWindow(input);
	if (window.condition) conditions.push(window.condition);
	const rows = await app.db
		.select(AUDIT_ROW_COLUMNS)
		.from(auditLogs)
		.where(and(...conditions))
		.orderBy(window.order)
		.limit(input.limit + 1);
	const page = pageBySeq(rows, input);
	// Rows are the reader's own ("You ...") or name their actor by the email the row keeps.
	const items = page.items.map(({ id, action, metadata, ipAddress, userAgent, createdAt, ...row }) => {
		const { device, browser } = describeUserAgent(userAgent);
		const summary = describeAuditRow({ ...row, action, metadata, ipAddress }, { names: new Map(), viewerId: userId });
		return { id, action, summary, createdAt, ipAddress, userAgent, device, browser, metadata };
	});
	return { items, nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}
