/** REST: start the instance's container; 200 with the instance and the status Docker reports afterwards. */
import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const POST: RequestHandler = rest(async ({ locals, params }) => json(await callerFor(locals).instances.start({ slug: params.slug })));
