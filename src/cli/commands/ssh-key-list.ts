/** `ocore ssh-key list [--json]`: the caller's keys as a table (or the API's JSON array). */
import { parseCommandArgs } from '../args';
import type { Command } from '../context';
import { renderTable, shortDate } from '../output';
import { sessionClient } from '../session';

const usage = `Usage: ocore ssh-key list [--json]

Lists your SSH keys: ID, NAME, TYPE, BITS, FINGERPRINT, ADDED, LAST USED.`;

export const sshKeyList: Command = {
	usage,
	async run(argv, ctx) {
		const { values } = parseCommandArgs(argv, {}, usage);
		if (values.help) return ctx.out(usage);
		const keys = await sessionClient(ctx).listSshKeys();
		if (values.json) return ctx.out(JSON.stringify(keys));
		if (keys.length === 0) return ctx.out('No SSH keys yet. Add one with: ocore ssh-key add --name NAME --key-file ~/.ssh/id_ed25519.pub');
		const rows = keys.map((k) => [k.id, k.name, k.type, k.bits, k.fingerprint, shortDate(k.createdAt), shortDate(k.lastUsedAt)]);
		ctx.out(renderTable(['ID', 'NAME', 'TYPE', 'BITS', 'FINGERPRINT', 'ADDED', 'LAST USED'], rows));
	}
};
