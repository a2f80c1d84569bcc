/** REST: mail a fresh confirmation link for the pending email change -> 202 (at most once a minute). */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ locals }) => json({ pending: await callerFor(locals).account.resendEmailChange() }, 202));
