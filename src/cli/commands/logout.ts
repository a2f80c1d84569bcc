/** `ocore logout [--json]`: end the session on the server, then forget it locally. */
import { parseCommandArgs } from '../args';
import type { Command } from '../context';
import { deleteCredentials } from '../credentials';
import { CliError } from '../errors';
import { sessionClient } from '../session';

const usage = `Usage: ocore logout [--json]

Ends the session on the server and deletes the local credentials file. If the server cannot be
reached the file is kept, so the session can still be ended later.`;

export const logout: Command = {
	usage,
	async run(argv, ctx) {
		const { values } = parseCommandArgs(argv, {}, usage);
		if (values.help) return ctx.out(usage);
		const client = sessionClient(ctx);
		const url = client.baseUrl;
		let alreadyEnded = false;
		try {
			await client.logout();
		} catch (err) {
			// A session the server no longer knows is as logged out as it gets: still forget it locally.
			if (!(err instanceof CliError && err.kind === 'not_logged_in')) throw err;
			alreadyEnded = true;
		}
		deleteCredentials(ctx.env);
		if (values.json) return ctx.out(JSON.stringify({ url, loggedOut: true, sessionAlreadyEnded: alreadyEnded }));
		ctx.out(alreadyEnded ? `Logged out of ${url} (the session had already ended).` : `Logged out of ${url}.`);
	}
};
