/**
 * The `~/.ssh/config` block of the documentation, for one server.
 *
 * Policy: the values come from the server, and ssh executes parts of its config (ProxyCommand,
 * LocalCommand ...), so each value is checked to be exactly a host name / IP, a port, or a prefix
 * of [a-z0-9-] before it is written: a server cannot smuggle a newline and a directive in.
 * With `Host <prefix>*` and `User %n`, ssh sends e.g. `ocore-my-odoo-18` as the user name and the
 * gateway strips the prefix. A server without a prefix gets a `Host <host>` block instead, since
 * `Host *` with `User %n` would capture every ssh connection the user makes.
 */
import type { SshClientConfig } from './rest-client';
import { CliError } from './errors';

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;
const IPV6_LITERAL = /^[0-9A-Fa-f:.]{2,45}$/;
const PREFIX = /^[a-z0-9-]{0,63}$/;
const IDENTITY_FILE = /^[^\s"#]{1,1024}$/;

export const DEFAULT_IDENTITY_FILE = '~/.ssh/id_ed25519';

function invalid(what: string): CliError {
	return new CliError('http', `The server sent an invalid SSH ${what}`);
}

export function renderSshConfig(config: SshClientConfig, identityFile = DEFAULT_IDENTITY_FILE): string {
	const { host, port, usernamePrefix } = config;
	if (typeof host !== 'string' || !(HOST_NAME.test(host) || (host.includes(':') && IPV6_LITERAL.test(host)))) throw invalid('host');
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid('port');
	if (typeof usernamePrefix !== 'string' || !PREFIX.test(usernamePrefix)) throw invalid('user name prefix');
	if (!IDENTITY_FILE.test(identityFile)) throw new CliError('usage', 'The identity file path must not contain spaces, quotes or #');
	const lines =
		usernamePrefix === ''
			? [`Host ${host}`, `  Port ${port}`, `  IdentityFile ${identityFile}`]
			: [`Host ${usernamePrefix}*`, `  HostName ${host}`, `  Port ${port}`, '  User %n', `  IdentityFile ${identityFile}`];
	return lines.join('\n') + '\n';
}
