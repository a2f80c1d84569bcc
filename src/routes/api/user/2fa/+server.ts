import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

export const GET: RequestHandler = rest(async ({ locals }) => json(await callerFor(locals).twoFactor.status()));
