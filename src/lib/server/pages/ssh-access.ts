/**
 * How a member reaches an instance with a stock SSH client, as the instance pages show it: the
 * gateway's public host and the port it really listens on (the same values GET /api/ssh/client-config
 * and `ocore ssh-config` give). Null when the gateway is switched off (SSH_ENABLED=false).
 */
import type { AppContext } from '../app-context';
import { sshClientConfig } from '../ssh-gateway/client-config';

export type SshAccess = { host: string; port: number };

export function sshAccessOf(app: Pick<AppContext, 'config' | 'advertisedSshPort'>): SshAccess | null {
	if (!app.config.sshEnabled) return null;
	const { host, port } = sshClientConfig(app.config, app.advertisedSshPort());
	return { host, port };
}
