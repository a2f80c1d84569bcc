import { z } from 'zod';

/**
 * A REST body that must be a JSON object, fields unchecked: the procedure it is handed to validates
 * them after authentication and authorization, so an outsider never learns what a valid body is.
 */
export const jsonObjectBody = z.looseObject({}, { error: 'Request body must be a JSON object' });

/**
 * Hands an unchecked body to a procedure whose own input schema validates it; the type parameter is
 * inferred from the procedure's input, so call sites need no cast.
 */
export function validatedByProcedure<T>(body: Record<string, unknown>): T {
	return body as T;
}
