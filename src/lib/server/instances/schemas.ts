/**
 * Input truth for instances, shared by the tRPC router, the REST facade and tests. Org-scoped inputs
 * do not repeat `orgId`: orgProcedure adds it.
 */
import { z } from 'zod';

/** Lowercase letters, digits and dashes, 2 to 63 characters, starting and ending with a letter or digit. */
export const INSTANCE_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const instanceSlugSchema = z
	.string({ error: 'Slug is required' })
	.trim()
	.min(2, 'Slug must be 2 to 63 characters')
	.max(63, 'Slug must be 2 to 63 characters')
	.regex(
		INSTANCE_SLUG_PATTERN,
		'Slug may contain only lowercase letters, digits and dashes, and must start and end with a letter or digit'
	);

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

export const createInstanceInput = z.object({
	slug: instanceSlugSchema,
	name: label('Name', 100),
	serverId: z.uuid({ error: 'serverId must be a UUID' }),
	container: containerRefSchema,
	project: label('Project', 100).optional(),
	environment: label('Environment', 50).optional()
});
export type CreateInstanceInput = z.infer<typeof createInstanceInput>;

export const instanceSlugInput = z.object({ slug: instanceSlugSchema });
export type InstanceSlugInput = z.infer<typeof instanceSlugInput>;
