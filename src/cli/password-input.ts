/**
 * Reading the password for `ocore login`.
 *
 * Policy: the password never goes on the command line (it would sit in shell history and `ps`).
 * On a terminal it is prompted for without echo; otherwise (a pipe, or --password-stdin) the first
 * line of stdin is the password. It is held only long enough to send the login request.
 *
 * Line editing is node:readline's; only the echo is suppressed, by giving readline an output stream
 * that drops what it would print once the prompt is shown (the usual muted-output technique,
 * written here because no prompt library is a dependency).
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { CliContext } from './context';
import { usageError } from './errors';

const MAX_STDIN_BYTES = 64 * 1024;

export async function readPassword(ctx: CliContext, options: { fromStdin: boolean; prompt: string }): Promise<string> {
	const password = options.fromStdin || !ctx.stdin.isTTY ? await firstLineOfStdin(ctx) : await promptLine(ctx, options.prompt, { hidden: true });
	if (password === '') throw usageError('No password given');
	return password;
}

async function firstLineOfStdin(ctx: CliContext): Promise<string> {
	let text = '';
	for await (const chunk of ctx.stdin) {
		text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
		if (text.length > MAX_STDIN_BYTES) throw usageError('The password on stdin is too long');
		if (text.includes('\n')) break;
	}
	return text.split(/\r?\n/)[0] ?? '';
}

/**
 * One line typed at the terminal after `prompt` (on stderr, so stdout stays the command's output).
 * Hidden: what is typed is not echoed (a password). Ctrl-C is a usage error, "Cancelled".
 */
export function promptLine(ctx: CliContext, prompt: string, options: { hidden: boolean }): Promise<string> {
	let muted = false;
	const output = new Writable({
		write(chunk, _encoding, done) {
			if (!muted) process.stderr.write(chunk);
			done();
		}
	});
	const rl = createInterface({ input: ctx.stdin, output, terminal: true });
	return new Promise((resolve, reject) => {
		rl.on('SIGINT', () => {
			rl.close();
			process.stderr.write('\n');
			reject(usageError('Cancelled'));
		});
		rl.question(prompt, (answer) => {
			rl.close();
			// A muted line's Enter was not echoed either.
			if (options.hidden) process.stderr.write('\n');
			resolve(answer);
		});
		muted = options.hidden;
	});
}
