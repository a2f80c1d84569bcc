/** The SSH command the Instances page shows: the README's `ssh -p <port> <slug>@<host>`, or none when the gateway is off. */
import { describe, expect, it } from 'vitest';
import { sshAccessOf } from '../../../src/lib/server/pages/ssh-access';
import { sshCommand } from '../../../src/lib/ssh-command';

describe('the SSH command of an instance', () => {
	it('names the port unless it is the default one', () => {
		expect(sshCommand('acme-shop', { host: 'ocore.example.com', port: 2222 })).toBe('ssh -p 2222 acme-shop@ocore.example.com');
		expect(sshCommand('acme-shop', { host: 'ocore.example.com', port: 22 })).toBe('ssh acme-shop@ocore.example.com');
	});

	it('uses the public host and the port the gateway really listens on, and nothing when the gateway is off', () => {
		const config = { sshEnabled: true, sshPublicHost: 'ssh.example.com', sshUsernamePrefix: 'ocore-' };
		const app = (sshEnabled: boolean) => ({ config: { ...config, sshEnabled }, advertisedSshPort: () => 40222 }) as unknown as Parameters<typeof sshAccessOf>[0];
		expect(sshAccessOf(app(true))).toEqual({ host: 'ssh.example.com', port: 40222 });
		expect(sshAccessOf(app(false))).toBeNull();
	});
});
