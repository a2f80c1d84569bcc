import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

/** The local mail outbox (used when no SMTP server is configured); platform administrators only. */
export const GET: RequestHandler = rest(async ({ locals }) => json(await callerFor(locals).admin.outbox()));
