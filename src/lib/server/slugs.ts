/**
 * The one slug rule (src/lib/slug.ts) as a zod schema, for every name that ends up in a URL
 * (`/orgs/<slug>`) or an SSH user name (`ocore-<slug>`). Domains differ only in the shortest slug they
 * take: an org needs 3 characters, an instance 2.
 */
import { z } from 'zod';
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from '../slug';

export { SLUG_PATTERN };

export function slugSchema(minLength: number) {
	const length = `Slug must be ${minLength} to ${SLUG_MAX_LENGTH} characters`;
	return z
		.string({ error: 'Slug is required' })
		.trim()
		.min(minLength, length)
		.max(SLUG_MAX_LENGTH, length)
		.regex(SLUG_PATTERN, 'Slug may contain only lowercase letters, digits and dashes, and must start and end with a letter or digit');
}
