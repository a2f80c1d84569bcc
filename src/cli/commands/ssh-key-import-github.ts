/** `ocore ssh-key import-github <username> [--json]`: add every valid key GitHub publishes for a user. */
import { parseCommandArgs } from '../args';
import type { Command } from '../context';
import { usageError } from '../errors';
import { safeText } from '../output';
import { sessionClient } from '../session';

const usage = `Usage: ocore ssh-key import-github <github-username> [--json]

Imports the public keys listed at https://github.com/<username>.keys (or the server's configured
GitHub) and reports each key added or skipped, with the reason.`;

export const sshKeyImportGithub: Command = {
	usage,
	async run(argv, ctx) {
		const { values, positionals } = parseCommandArgs(argv, {}, usage, 1);
		if (values.help) return ctx.out(usage);
		const githubUsername = positionals[0];
		if (!githubUsername) throw usageError(`Missing the GitHub user name\n\n${usage}`);
		const result = await sessionClient(ctx).importGithub({ githubUsername });
		if (values.json) return ctx.out(JSON.stringify(result));
		const lines = [`Added ${result.added.length} key(s) from GitHub user ${safeText(githubUsername)}.`];
		for (const key of result.added) lines.push(`  + ${safeText(key.fingerprint)}  ${safeText(key.type)} ${key.bits}  ${safeText(key.name)}`);
		if (result.skipped.length > 0) lines.push(`Skipped ${result.skipped.length}:`);
		for (const skip of result.skipped) {
			const what = skip.fingerprint ?? (skip.publicKey ? skip.publicKey.slice(0, 40) : '(not shown)');
			lines.push(`  - ${safeText(what)}: ${safeText(skip.reason)}`);
		}
		ctx.out(lines.join('\n'));
	}
};
