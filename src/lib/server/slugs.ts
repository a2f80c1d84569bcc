/**
 * The one slug rule, for every name that ends up in a URL (`/orgs/<slug>`) or an SSH user name
 * (`ocore-<slug>`): lowercase letters, digits and dashes, starting and ending with a letter or digit,
 * at most 63 characters: a DNS label, so a slug is also safe as a host name or a container label.
 * Domains differ only in the shortest slug they take: an org needs 3 characters, an instance 2.
 */
import { z } from 'zod';

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const SLUG_MAX_LENGTH = 63;

export function slugSchema(minLength: number) {
	const length = `Slug must be ${minLength} to ${SLUG_MAX_LENGTH} characters`;
	return z
		.string({ error: 'Slug is required' })
		.trim()
		.min(minLength, length)
		.max(SLUG_MAX_LENGTH, length)
		.regex(SLUG_PATTERN, 'Slug may contain only lowercase letters, digits and dashes, and must start and end with a letter or digit');
}
