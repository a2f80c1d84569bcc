/** `ocore ssh-config [--url URL] [--identity-file PATH] [--json]`: print the ~/.ssh/config block for this server. */
import { parseCommandArgs } from '../args';
import type { Command } from '../context';
import { readCredentials } from '../credentials';
import { notLoggedIn } from '../errors';
import { OcoreClient } from '../rest-client';
import { DEFAULT_IDENTITY_FILE, renderSshConfig } from '../ssh-config-render';
import { baseUrlOf, normaliseServerUrl } from '../server-url';

const usage = `Usage: ocore ssh-config [--url https://host] [--identity-file ~/.ssh/id_ed25519] [--json]

Prints the Host block to add to ~/.ssh/config, e.g.  ocore ssh-config >> ~/.ssh/config
Uses the server you are logged in to unless --url is given.`;

export const sshConfig: Command = {
	usage,
	async run(argv, ctx) {
		const { values } = parseCommandArgs(argv, { url: { type: 'string' }, 'identity-file': { type: 'string' } }, usage);
		if (values.help) return ctx.out(usage);
		const baseUrl = values.url ? baseUrlOf(normaliseServerUrl(values.url)) : readCredentials(ctx.env)?.url;
		if (!baseUrl) throw notLoggedIn('Not logged in and no --url given');
		const config = await new OcoreClient(baseUrl).sshClientConfig();
		const block = renderSshConfig(config, values['identity-file'] ?? DEFAULT_IDENTITY_FILE);
		if (values.json) return ctx.out(JSON.stringify({ host: config.host, port: config.port, usernamePrefix: config.usernamePrefix, config: block }));
		ctx.out(block.trimEnd());
	}
};
