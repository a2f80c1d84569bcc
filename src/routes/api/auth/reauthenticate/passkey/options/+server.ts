/** REST: WebAuthn request options to re-authenticate the current session with one of the caller's passkeys. */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ locals }) => json(await callerFor(locals).passkeys.reauthenticationOptions()));
