/** `ocore ssh-key rm <id> [--json]`: remove one of the caller's keys. */
import { parseCommandArgs } from '../args';
import type { Command } from '../context';
import { usageError } from '../errors';
import { sessionClient } from '../session';

const usage = `Usage: ocore ssh-key rm <id> [--json]

Removes the SSH key with this ID (see \`ocore ssh-key list\`).`;

export const sshKeyRm: Command = {
	usage,
	async run(argv, ctx) {
		const { values, positionals } = parseCommandArgs(argv, {}, usage, 1);
		if (values.help) return ctx.out(usage);
		const id = positionals[0];
		if (!id) throw usageError(`Missing the key ID\n\n${usage}`);
		await sessionClient(ctx).removeSshKey(id);
		if (values.json) return ctx.out(JSON.stringify({ id, removed: true }));
		ctx.out(`Removed SSH key ${id}.`);
	}
};
