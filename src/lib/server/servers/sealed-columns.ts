/**
 * The encrypted columns of `servers` and the context each value is bound to (see secret-box). One
 * list, used when storing, when reading for use, and by `npm run secrets:rotate`.
 */
import type { Server } from '../db/schema/instances';

export const SEALED_SERVER_COLUMNS = [
	{ field: 'tlsKeyEncrypted', column: 'tls_key' },
	{ field: 'sshPrivateKeyEncrypted', column: 'ssh_private_key' },
	{ field: 'sshPasswordEncrypted', column: 'ssh_password' }
] as const satisfies readonly { field: keyof Server; column: string }[];

export type SealedServerField = (typeof SEALED_SERVER_COLUMNS)[number]['field'];

/** Additional authenticated data: a value sealed for one server and column opens only there. */
export function sealContext(serverId: string, field: SealedServerField): string {
	const column = SEALED_SERVER_COLUMNS.find((c) => c.field === field)!.column;
	return `servers.${column}:${serverId}`;
}
