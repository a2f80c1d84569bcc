/**
 * The `~/.ssh/config` block of the documentation, for one server.
 *
 * Policy: the values come from the server, and ssh executes parts of its config (ProxyCommand,
 * LocalCommand ...), so each value is checked to be exactly a host name / IP, a port, or a prefix
 * of [a-z0-9-] before it is written: a server cannot smuggle a newline and a directive in.
 * With `Host <prefix>*` and `User %n`, ssh sends e.g. `ocore-my-odoo-18` as the user name and the
 * gateway strips the prefix. A server without a prefix gets a `Host <host>` block instead, since
 * `Host *` with `User %n` would capture every ssh connection the user makes.
 * An ssh that does not expand %n in User (before OpenSSH 10.0, see ssh-version.ts) gets one block per
 * instance instead, `Host <prefix><slug>` with `User <slug>`; each slug is checked like the other values.
 */
import { SLUG_PATTERN } from '../lib/server/slugs';
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

function checkValues(config: SshClientConfig, identityFile: string): void {
	const { host, port, usernamePrefix } = config;
	if (typeof host !== 'string' || !(HOST_NAME.test(host) || (host.includes(':') && IPV6_LITERAL.test(host)))) throw invalid('host');
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid('port');
	if (typeof usernamePrefix !== 'string' || !PREFIX.test(usernamePrefix)) throw invalid('user name prefix');
	if (!IDENTITY_FILE.test(identityFile)) throw new CliError('usage', 'The identity file path must not contain spaces, quotes or #');
}

/** The short form, for an ssh that expands %n in User (or a server without a prefix, which needs no User). */
export function renderSshConfig(config: SshClientConfig, identityFile = DEFAULT_IDENTITY_FILE): string {
	checkValues(config, identityFile);
	const { host, port, usernamePrefix } = config;
	const lines =
		usernamePrefix === ''
			? [`Host ${host}`, `  Port ${port}`, `  IdentityFile ${identityFile}`]
			: [`Host ${usernamePrefix}*`, `  HostName ${host}`, `  Port ${port}`, '  User %n', `  IdentityFile ${identityFile}`];
	return lines.join('\n') + '\n';
}

/**
 * One block per instance, for an ssh that sends `User %n` literally. `why` is one line saying which ssh
 * was found; the comment also says how to refresh the list, since it is a snapshot of today's access.
 */
export function renderPerInstanceSshConfig(config: SshClientConfig, slugs: string[], why: string, identityFile = DEFAULT_IDENTITY_FILE): string {
	checkValues(config, identityFile);
	for (const slug of slugs) if (typeof slug !== 'string' || !SLUG_PATTERN.test(slug)) throw invalid('instance slug');
	const { host, port, usernamePrefix } = config;
	const lines = [
		`# oCore SSH gateway ${host} port ${port}: one block per instance you can reach.`,
		`# ${why.replace(/\p{Cc}/gu, ' ')}`,
		'# Access changes: run `ocore ssh-config` again and replace these blocks with its output.'
	];
	if (slugs.length === 0) lines.push('# You cannot reach any instance yet.');
	for (const slug of [...new Set(slugs)].sort()) {
		lines.push(`Host ${usernamePrefix}${slug}`, `  HostName ${host}`, `  Port ${port}`, `  User ${slug}`, `  IdentityFile ${identityFile}`);
	}
	return lines.join('\n') + '\n';
}
