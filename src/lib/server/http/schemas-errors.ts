import type { z } from 'zod';

/** "email: Invalid email address" — the first problem, naming the field, for a 400 message. */
export function describeZodError(error: z.ZodError): string {
	const issue = error.issues[0];
	if (!issue) return 'Invalid request';
	const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
	return `${field}: ${issue.message}`;
}
