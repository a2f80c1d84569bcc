/**
 * Input truth for instances, shared by the tRPC router, the REST facade and tests. Org-scoped inputs
 * do not repeat `orgId`: orgProcedure adds it.
 */
import { z } from 'zod';
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
