/** REST: WebAuthn creation options for a new passkey; 403 `reauthentication_required` past the 10-minute window. */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ locals }) => json(await callerFor(locals).passkeys.registrationOptions()));
