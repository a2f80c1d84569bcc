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

