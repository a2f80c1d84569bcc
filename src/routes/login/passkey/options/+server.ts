/** The sign-in page's WebAuthn options: `{mode: 'signin'}` (any passkey) or `{mode: 'mfa'}` (the second step's user). */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { pageSignInOptions, requireOwnPage } from '$lib/server/passkeys/page-sign-in';
import { pageSignInOptionsInput } from '$lib/server/passkeys/schemas';

export const POST: RequestHandler = rest(async ({ locals, request, url, cookies }) => {
	requireOwnPage(locals.app, request, url);
	const input = await readJson(request, pageSignInOptionsInput);
	return json(await pageSignInOptions(locals.app, input.mode, cookies, locals.request));
});
