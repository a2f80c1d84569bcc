import type { RequestHandler } from './$types';
import { json, rest } from '$lib/server/http/json';
import { callerFor } from '$lib/server/trpc/caller';

/** A new pending TOTP secret `{secret, otpauthUrl, qrSvg}`; 2FA stays off until /enable confirms a code. */
export const POST: RequestHandler = rest(async ({ locals }) => json(await callerFor(locals).twoFactor.setup()));
