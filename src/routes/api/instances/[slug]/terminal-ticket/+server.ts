/** REST: a one-time ticket (30 s) to open the instance's browser terminal on GET /ws/terminal; 201. */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ locals, params }) => json(await callerFor(locals).terminal.ticket({ slug: params.slug }), 201));
