/** `ocore ssh-key add --name NAME --key-file PATH [--json]`: register a public key. */
import { parseCommandArgs, requireOption } from '../args';
import type { Command } from '../context';
import { readPublicKeyFile } from '../key-file';
import { safeText } from '../output';
import { sessionClient } from '../session';

const usage = `Usage: ocore ssh-key add --name "Work Laptop" --key-file ~/.ssh/id_ed25519.pub [--json]

Registers the public key in the file under the given name and prints its fingerprint.`;

export const sshKeyAdd: Command = {
	usage,
	async run(argv, ctx) {
		const { values } = parseCommandArgs(argv, { name: { type: 'string' }, 'key-file': { type: 'string' } }, usage);
		if (values.help) return ctx.out(usage);
		const name = requireOption(values.name, 'name', usage);
		const publicKey = readPublicKeyFile(requireOption(values['key-file'], 'key-file', usage), ctx.env);
		const key = await sessionClient(ctx).addSshKey({ name, publicKey });
		if (values.json) return ctx.out(JSON.stringify(key));
		ctx.out(`Added SSH key "${safeText(key.name)}" (${safeText(key.type)}, ${key.bits} bits)\n${safeText(key.fingerprint)}\nID: ${key.id}`);
	}
};
