/**
 * The slug rule as plain data and one pure function, importable by pages (the create-organization
 * form fills the slug in from the name as the user types) and by the server's zod schemas
 * (src/lib/server/slugs.ts), so both judge a slug the same way.
 *
 * A slug is lowercase letters, digits and dashes, starting and ending with a letter or digit, at most
 * 63 characters: a DNS label, so it is also safe as a host name or a container label.
 */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const SLUG_MAX_LENGTH = 63;

/**
 * "Acme Hosting GmbH" -> "acme-hosting-gmbh", "Café Ünïon" -> "cafe-union". Accents are dropped,
 * every run of other characters becomes one dash, and the result is cut to 63 characters without a
 * trailing dash. It may still be too short for a domain's minimum (an org needs 3): the schema says so.
 */
export function slugFromName(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+/, '')
		.slice(0, SLUG_MAX_LENGTH)
		.replace(/-+$/, '');
}
