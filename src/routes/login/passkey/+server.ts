/** The sign-in page's passkey answer: sets the session cookie as the password form does, then says where to go. */
import type { RequestHandler } from './$types';
import { json, readJson, rest } from '$lib/server/http/json';
import { pageSignIn, requireOwnPage } from '$lib/server/passkeys/page-sign-in';
import { pageSignInVerifyInput } from '$lib/server/passkeys/schemas';
import { safeRedirectPath } from '$lib/server/pages/guard';

export const POST: RequestHandler = rest(async ({ locals, request, url, cookies }) => {
	requireOwnPage(locals.app, request, url);
	const input = await readJson(request, pageSignInVerifyInput);
	await pageSignIn(locals.app, input.mode, input.response, cookies, locals.request);
	return json({ redirectTo: safeRedirectPath(input.redirectTo) });
});
