/** Input truth for reading an org's audit log: shared by the tRPC router, the REST facade and tests. */
import { z } from 'zod';

export const AUDIT_PAGE_SIZE_MAX = 200;
export const AUDIT_PAGE_SIZE_DEFAULT = 50;

const cursorParam = z.string().regex(/^[1-9][0-9]{0,15}$/, 'cursor is not valid').optional();

const dateParam = (name: string) =>
	z.coerce.date({ error: `${name} must be a date-time (ISO 8601)` }).optional();

/** The filters, shared by the list and the export. */
const auditFilters = {
	/** A user id, or an email (matched case-insensitively). */
	actor: z.string().trim().min(1, 'actor must not be empty').max(254, 'actor is too long').optional(),
	/** An exact action name, such as `member.invited`. */
	action: z.string().trim().min(1, 'action must not be empty').max(100, 'action is too long').optional(),
	/** Inclusive lower bound on createdAt. */
	from: dateParam('from'),
	/** Inclusive upper bound on createdAt. */
	to: dateParam('to')
};

const fromNotAfterTo: [(v: { from?: Date; to?: Date }) => boolean, { message: string; path: string[] }] = [
	(v) => !v.from || !v.to || v.from <= v.to,
	{ message: 'from must not be after to', path: ['from'] }
];

const notBothCursors: [(v: { cursor?: string; after?: string }) => boolean, { message: string; path: string[] }] = [
	(v) => !v.cursor || !v.after,
	{ message: 'cursor and after cannot be combined', path: ['after'] }
];

const limitParam = z.coerce
	.number({ error: 'limit must be a number' })
	.int('limit must be an integer')
	.min(1, 'limit must be at least 1')
	.max(AUDIT_PAGE_SIZE_MAX, `limit must be at most ${AUDIT_PAGE_SIZE_MAX}`)
	.default(AUDIT_PAGE_SIZE_DEFAULT);

export const auditListInput = z
	.object({
		...auditFilters,
		limit: limitParam,
		/** The `nextCursor` of a page: the rows just older than it. */
		cursor: cursorParam,
		/** The `prevCursor` of a page: the rows just newer than it. */
		after: cursorParam
	})
	.refine(...fromNotAfterTo)
	.refine(...notBothCursors);

export type AuditListInput = z.infer<typeof auditListInput>;

export const AUDIT_EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

/** The export's format (its filters are the list's); CSV when not given. */
export const auditExportFormat = z.enum(AUDIT_EXPORT_FORMATS, { error: 'format must be csv or ndjson' }).default('csv');

/** The caller's own security log: a page size and a cursor (older or newer), nothing else. */
export const securityLogInput = z
	.object({ limit: limitParam, cursor: cursorParam, after: cursorParam })
	.refine(...notBothCursors);

export type SecurityLogInput = z.infer<typeof securityLogInput>;
