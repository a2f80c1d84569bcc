/**
 * Recognising PostgreSQL constraint violations whichever driver raised them. Drizzle wraps driver
 * errors (DrizzleQueryError) and the two drivers name the constraint differently (postgres-js:
 * `constraint_name`, PGlite: `constraint`), so we walk the cause chain and read both.
 */
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

type PgLikeError = { code?: unknown; constraint?: unknown; constraint_name?: unknown; cause?: unknown };

function findPgError(err: unknown, sqlState: string): PgLikeError | null {
	let current: unknown = err;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
		const candidate = current as PgLikeError;
		if (candidate.code === sqlState) return candidate;
		current = candidate.cause;
	}
	return null;
}

function constraintOf(err: PgLikeError): string | undefined {
	const name = err.constraint_name ?? err.constraint;
	return typeof name === 'string' ? name : undefined;
}

/** True when `err` is a unique violation (of `constraint`, when given). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
	const pg = findPgError(err, UNIQUE_VIOLATION);
	return pg !== null && (constraint === undefined || constraintOf(pg) === constraint);
}

/** True when `err` is a foreign-key violation (of `constraint`, when given). */
export function isForeignKeyViolation(err: unknown, constraint?: string): boolean {
	const pg = findPgError(err, FOREIGN_KEY_VIOLATION);
	return pg !== null && (constraint === undefined || constraintOf(pg) === constraint);
}
