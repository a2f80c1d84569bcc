/**
 * Input truth for projects and environments, shared by the tRPC router, the REST facade, the
 * instance creation input and tests. Org-scoped inputs do not repeat `orgId`: orgProcedure adds it.
 */
import { z } from 'zod';

/** Names are shown in lists and audit sentences: one line, no control characters. */
const name = (what: string, max: number) =>
	z
		.string({ error: `${what} must be a string` })
		.trim()
		.min(1, `${what} must not be empty`)
		.max(max, `${what} must be at most ${max} characters`)
		.regex(/^[^\p{Cc}]*$/u, `${what} must be one line of text`);

export const projectNameSchema = name('Project name', 100);
export const environmentNameSchema = name('Environment name', 50);

export const projectIdInput = z.object({ projectId: z.uuid({ error: 'projectId must be a UUID' }) });
export const environmentIdInput = z.object({ environmentId: z.uuid({ error: 'environmentId must be a UUID' }) });

export const createProjectInput = z.object({ name: projectNameSchema });
export type CreateProjectInput = z.infer<typeof createProjectInput>;

export const renameProjectInput = projectIdInput.extend({ name: projectNameSchema });
export type RenameProjectInput = z.infer<typeof renameProjectInput>;

export const createEnvironmentInput = projectIdInput.extend({ name: environmentNameSchema });
export type CreateEnvironmentInput = z.infer<typeof createEnvironmentInput>;

export const renameEnvironmentInput = environmentIdInput.extend({ name: environmentNameSchema });
export type RenameEnvironmentInput = z.infer<typeof renameEnvironmentInput>;

/** The name given to a project or environment an instance did not name (instances made before 0011, old clients). */
export const DEFAULT_PLACE_NAME = 'default';
