/** Input truth for reading an org's audit log: shared by the tRPC router, the REST facade and tests. */
import { z } from 'zod';

export const AUDIT_PAGE_SIZE_MAX = 200;
export const AUDIT_PAGE_SIZE_DEFAULT = 50;

const dateParam = (name: string) =>
	z.coerce.date({ error: `${name} must be a date-time (ISO 8601)` }).optional();

export const auditListInput = z
	.object({
		/** A user id, or an email (matched case-insensitively). */
		actor: z.string().trim().min(1, 'actor must not be empty').max(254, 'actor is too long').optional(),
		/** An exact action name, such as `member.invited`. */
		action: z.string().trim().min(1, 'action must not be empty').max(100, 'action is too long').optional(),
		/** Inclusive lower bound on createdAt. */
		from: dateParam('from'),
		/** Inclusive upper bound on createdAt. */
		to: dateParam('to'),
		limit: z.coerce
			.number({ error: 'limit must be a number' })
			.int('limit must be an integer')
			.min(1, 'limit must be at least 1')
			.max(AUDIT_PAGE_SIZE_MAX, `limit must be at most ${AUDIT_PAGE_SIZE_MAX}`)
			.default(AUDIT_PAGE_SIZE_DEFAULT),
		/** The `nextCursor` of the previous page. */
		cursor: z.string().regex(/^[1-9][0-9]{0,15}$/, 'cursor is not valid').optional()
	})
	.refine((v) => !v.from || !v.to || v.from <= v.to, { message: 'from must not be after to', path: ['from'] });

export type AuditListInput = z.infer<typeof auditListInput>;

/** The caller's own security log: a page size and the previous page's `nextCursor`, nothing else. */
export const securityLogInput = z.object({
	limit: auditListInput.shape.limit,
	cursor: auditListInput.shape.cursor
});

export type SecurityLogInput = z.infer<typeof securityLogInput>;
