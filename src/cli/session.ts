/** A REST client acting as the stored session, saving rotated tokens back to the credentials file. */
import type { CliContext } from './context';
import { readCredentials, requireCredentials, saveCredentials, withCredentialsLock } from './credentials';
import { OcoreClient } from './rest-client';

export function sessionClient(ctx: CliContext): OcoreClient {
	const { url } = requireCredentials(ctx.env);
	return new OcoreClient(url, {
		load: () => readCredentials(ctx.env),
		save: (c) => saveCredentials(ctx.env, c),
		exclusive: (fn) => withCredentialsLock(ctx.env, fn)
	});
}
