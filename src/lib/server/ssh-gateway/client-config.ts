/**
 * What an SSH client needs to reach the gateway: public host, port and the user-name prefix that
 * `Host <prefix>*` + `User %n` blocks in ~/.ssh/config rely on (the gateway strips the prefix).
 * Public information: it is what the documentation tells every user.
 */
import type { AppConfig } from '../config';

export type SshClientConfig = { host: string; port: number; usernamePrefix: string };

/** `port` is the one the gateway really listens on (AppContext.advertisedSshPort), not necessarily SSH_PORT. */
export function sshClientConfig(config: Pick<AppConfig, 'sshPublicHost' | 'sshUsernamePrefix'>, port: number): SshClientConfig {
	return { host: config.sshPublicHost, port, usernamePrefix: config.sshUsernamePrefix };
}
