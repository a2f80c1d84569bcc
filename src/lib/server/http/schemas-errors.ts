import type { z } from 'zod';

/**
 * Matched by shape, not `instanceof`: the server entry and the SvelteKit bundle are two module graphs,
 * and an error made in one is not an instance of the other's class.
 */
export function isZodError(value: unknown): value is z.ZodError {
	return value instanceof Error && value.name === 'ZodError' && Array.isArray((value as { issues?: unknown }).issues);
}

/** "email: Invalid email address" — the first problem, naming the field, for a 400 message. */
export function describeZodError(error: z.ZodError): string {
	const issue = error.issues[0];
	if (!issue) return 'Invalid request';
	const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
	return `${field}: ${issue.message}`;
}
