/**
 * The `ocore` command line: dispatch to one module per command, and turn every failure into a
 * message on stderr and an exit code (errors.ts). Results go to stdout only, so `--json` output can
 * be piped. Loaded by bin/ocore.mjs; has no side effects on import.
 */
import { APP_VERSION } from '../lib/server/version';
import { login } from './commands/login';
import { logout } from './commands/logout';
import { sshConfig } from './commands/ssh-config';
import { sshKeyAdd } from './commands/ssh-key-add';
import { sshKeyImportGithub } from './commands/ssh-key-import-github';
import { sshKeyList } from './commands/ssh-key-list';
import { sshKeyRm } from './commands/ssh-key-rm';
import type { CliContext, Command } from './context';
import { EXIT_CODES, toExitReport, usageError } from './errors';

const HELP = `ocore ${APP_VERSION}: the oCore command line

Usage:
  ocore login --url https://host --email you@example.com [--password-stdin] [--totp CODE]
  ocore logout
  ocore ssh-key add --name "Work Laptop" --key-file ~/.ssh/id_ed25519.pub
  ocore ssh-key list
  ocore ssh-key rm <id>
  ocore ssh-key import-github <github-username>
  ocore ssh-config [--url https://host] [--identity-file ~/.ssh/id_ed25519]

Every command takes --json (machine-readable output on stdout) and --help.
Exit codes: 0 ok, 1 refused by the server, 2 usage or local file error, 3 not logged in, 4 server unreachable.
Credentials: \${OCORE_CONFIG_DIR:-\${XDG_CONFIG_HOME:-~/.config}/ocore}/credentials.json (mode 0600).`;

const SSH_KEY_COMMANDS: Record<string, Command> = {
	add: sshKeyAdd,
	list: sshKeyList,
	ls: sshKeyList,
	rm: sshKeyRm,
	'import-github': sshKeyImportGithub
};

const SSH_KEY_HELP = `Usage: ocore ssh-key <add|list|rm|import-github> [options]

  add --name NAME --key-file PATH   register a public key
  list                              list your keys
  rm <id>                           remove a key
  import-github <username>          import the keys GitHub publishes for a user

Run \`ocore ssh-key <command> --help\` for details.`;

function resolve(argv: string[], ctx: CliContext): { command: Command; rest: string[] } | null {
	const [first, second, ...rest] = argv;
	switch (first) {
		case 'login':
			return { command: login, rest: argv.slice(1) };
		case 'logout':
			return { command: logout, rest: argv.slice(1) };
		case 'ssh-config':
			return { command: sshConfig, rest: argv.slice(1) };
		case 'ssh-key': {
			if (second === undefined || second === '--help' || second === '-h' || second === 'help') {
				if (second === undefined) throw usageError(SSH_KEY_HELP);
				ctx.out(SSH_KEY_HELP);
				return null;
			}
			const command = SSH_KEY_COMMANDS[second];
			if (!command) throw usageError(`Unknown ssh-key command: ${second}\n\n${SSH_KEY_HELP}`);
			return { command, rest };
		}
		case '--version':
		case '-v':
			ctx.out(APP_VERSION);
			return null;
		case undefined:
			throw usageError(HELP);
		case 'help':
		case '--help':
		case '-h':
			ctx.out(HELP);
			return null;
		default:
			throw usageError(`Unknown command: ${first}\n\n${HELP}`);
	}
}

/** Runs one invocation; resolves to the exit code. Never throws. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
	try {
		const resolved = resolve(argv, ctx);
		if (resolved) await resolved.command.run(resolved.rest, ctx);
		return EXIT_CODES.ok;
	} catch (err) {
		const report = toExitReport(err);
		ctx.err(report.message);
		return report.exitCode;
	}
}

export function processContext(): CliContext {
	return {
		env: process.env,
		stdin: process.stdin,
		out: (text) => process.stdout.write(text + '\n'),
		err: (text) => process.stderr.write(text + '\n')
	};
}
