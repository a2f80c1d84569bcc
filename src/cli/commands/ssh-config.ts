/**
 * `ocore ssh-config [--url URL] [--identity-file PATH] [--wildcard] [--json]`: print the ~/.ssh/config
 * blocks for this server, in the form the user's own ssh understands (see ssh-version.ts).
 */
import { parseCommandArgs } from '../args';
import type { CliContext, Command } from '../context';
import { readCredentials } from '../credentials';
import { notLoggedIn } from '../errors';
import { OcoreClient, type SshClientConfig } from '../rest-client';
import { sessionClient } from '../session';
import { DEFAULT_IDENTITY_FILE, renderPerInstanceSshConfig, renderSshConfig } from '../ssh-config-render';
import { detectLocalSsh, expandsTokensInUser } from '../ssh-version';
import { baseUrlOf, normaliseServerUrl } from '../server-url';

const usage = `Usage: ocore ssh-config [--url https://host] [--identity-file ~/.ssh/id_ed25519] [--wildcard] [--json]

Prints the Host blocks to add to ~/.ssh/config, e.g.  ocore ssh-config >> ~/.ssh/config
Uses the server you are logged in to unless --url is given.

OpenSSH 10.0 and later get one short block, Host ocore-* with User %n. Older clients (Debian 12 ships
9.2) do not expand %n in User, so they get one block per instance you can reach (this needs a login);
run the command again when your access changes. --wildcard prints the short block whatever ssh you have.`;

type Rendered = { form: 'wildcard' | 'per-instance'; instances?: string[]; config: string };

/** Why the short form will not do, for the comment above the per-instance blocks; null when it will. */
async function perInstanceReason(ctx: CliContext): Promise<string | null> {
	const ssh = await detectLocalSsh(ctx.env);
	if (!ssh.found) {
		ctx.err('ocore: no ssh found on your PATH; printing one block per instance, which every OpenSSH understands.');
		return 'No ssh was found on your PATH; these blocks work with every OpenSSH (the short form needs OpenSSH 10.0 or later).';
	}
	if (expandsTokensInUser(ssh.version)) return null;
	const which = ssh.version ? `OpenSSH ${ssh.version.text}` : `"${ssh.banner.slice(0, 80)}"`;
	return `Your ssh (${which}) does not expand %n in User (OpenSSH 10.0 and later do), so a wildcard Host block cannot name the instance.`;
}

async function render(ctx: CliContext, baseUrl: string, config: SshClientConfig, identityFile: string, wildcard: boolean): Promise<Rendered> {
	// Without a prefix the block names the gateway host and has no User line: nothing to expand.
	const why = wildcard || config.usernamePrefix === '' ? null : await perInstanceReason(ctx);
	if (why === null) return { form: 'wildcard', config: renderSshConfig(config, identityFile) };
	if (readCredentials(ctx.env)?.url !== baseUrl) {
		throw notLoggedIn(`Listing the instances you can reach needs a login to ${baseUrl} (or pass --wildcard)`);
	}
	const instances = (await sessionClient(ctx).listInstances()).map((i) => i.slug);
	return { form: 'per-instance', instances, config: renderPerInstanceSshConfig(config, instances, why, identityFile) };
}

export const sshConfig: Command = {
	usage,
	async run(argv, ctx) {
		const options = { url: { type: 'string' }, 'identity-file': { type: 'string' }, wildcard: { type: 'boolean' } } as const;
		const { values } = parseCommandArgs(argv, options, usage);
		if (values.help) return ctx.out(usage);
		const baseUrl = values.url ? baseUrlOf(normaliseServerUrl(values.url)) : readCredentials(ctx.env)?.url;
		if (!baseUrl) throw notLoggedIn('Not logged in and no --url given');
		const config = await new OcoreClient(baseUrl).sshClientConfig();
		const rendered = await render(ctx, baseUrl, config, values['identity-file'] ?? DEFAULT_IDENTITY_FILE, values.wildcard ?? false);
		if (values.json) return ctx.out(JSON.stringify({ host: config.host, port: config.port, usernamePrefix: config.usernamePrefix, ...rendered }));
		ctx.out(rendered.config.trimEnd());
	}
};
