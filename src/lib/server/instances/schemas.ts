/**
 * Input truth for instances, shared by the tRPC router, the REST facade and tests. Org-scoped inputs
 * do not repeat `orgId`: orgProcedure adds it.
 */
import { z } from 'zod';
import { environmentNameSchema, projectNameSchema } from '../projects/schemas';
import { slugSchema } from '../slugs';

export const instanceSlugSchema = slugSchema(2);

/**
 * A container name or id as Docker accepts them. It ends up in Engine API paths
 * (`/containers/<name>/json`), so nothing else, and above all no `/`, may get through.
 */
export const containerRefSchema = z
	.string({ error: 'Container is required' })
	.trim()
	.regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, 'Container must be a Docker container name or id (letters, digits, _ . -)');

const label = (what: string, max: number) =>
	z
		.string({ error: `${what} must be a string` })
		.trim()
		.min(1, `${what} must not be empty`)
		.max(max, `${what} must be at most ${max} characters`);

/**
 * `environmentId` places the instance. The free-text `project` and `environment` of the release
 * before projects were records are still accepted, for this release only: they name a project and
 * environment of the org, found or created ("default" for one not given).
 */
export const createInstanceInput = z
	.object({
		slug: instanceSlugSchema,
		name: label('Name', 100),
		serverId: z.uuid({ error: 'serverId must be a UUID' }),
		container: containerRefSchema,
		environmentId: z.uuid({ error: 'environmentId must be a UUID' }).optional(),
		/** @deprecated Use environmentId; accepted for one release. */
		project: projectNameSchema.optional(),
		/** @deprecated Use environmentId; accepted for one release. */
		environment: environmentNameSchema.optional()
	})
	.refine((i) => i.environmentId === undefined || (i.project === undefined && i.environment === undefined), {
		path: ['environmentId'],
		message: 'Give environmentId, or the deprecated project and environment names, not both'
	});
export type CreateInstanceInput = z.infer<typeof createInstanceInput>;

export const instanceSlugInput = z.object({ slug: instanceSlugSchema });
