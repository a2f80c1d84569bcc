/** Input truth for listing session recordings, shared by the tRPC router, the REST facade and tests. */
import { z } from 'zod';
import { instanceSlugSchema } from '../instances/schemas';

const limit = z.coerce
	.number({ error: 'limit must be a number' })
	.int('limit must be a whole number')
	.min(1, 'limit must be between 1 and 500')
	.max(500, 'limit must be between 1 and 500')
	.optional();

/** Org-scoped (orgProcedure adds orgId). */
export const recordingsListInput = z.object({ instanceSlug: instanceSlugSchema, limit });

/** By slug alone, as REST addresses instances: the service finds the org and checks access. */
export const instanceRecordingsInput = z.object({ slug: instanceSlugSchema, limit });


export const SESSIONS_PAGE_SIZE_MAX = 200;
export const SESSIONS_PAGE_SIZE_DEFAULT = 50;

/** A page boundary of the org's sessions: `<started at, epoch ms>.<session id>` (startedAt is written in ms). */
const sessionCursor = z
	.string()
	.regex(/^[0-9]{1,15}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'cursor is not valid')
	.optional();

/** Org-scoped (orgProcedure adds orgId): the org's gateway sessions, newest first, a page at a time. */
export const orgSessionsInput = z
	.object({
		/** Only the sessions of the instance with this slug (as stored on the session). */
		instance: instanceSlugSchema.optional(),
		limit: z.coerce
			.number({ error: 'limit must be a number' })
			.int('limit must be a whole number')
			.min(1, 'limit must be at least 1')
			.max(SESSIONS_PAGE_SIZE_MAX, `limit must be at most ${SESSIONS_PAGE_SIZE_MAX}`)
			.default(SESSIONS_PAGE_SIZE_DEFAULT),
		/** The `nextCursor` of a page: the sessions just older than it. */
		cursor: sessionCursor,
		/** The `prevCursor` of a page: the sessions just newer than it. */
		after: sessionCursor
	})
	.refine((v) => !v.cursor || !v.after, { message: 'cursor and after cannot be combined', path: ['after'] });

export type OrgSessionsInput = z.infer<typeof orgSessionsInput>;

/**
 * One session of the org (orgProcedure adds orgId). Not z.uuid(): an id that is not a UUID cannot be
 * one of the org's sessions, so the service answers it with the same 404 as any other unknown id.
 */
export const orgSessionInput = z.object({ sessionId: z.string().trim().min(1, 'sessionId is required').max(100, 'sessionId is too long') });
