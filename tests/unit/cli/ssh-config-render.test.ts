import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/cli/errors';
import { renderSshConfig } from '../../../src/cli/ssh-config-render';

const docs = { host: 'ocore.example.com', port: 2222, usernamePrefix: 'ocore-' };

describe('the ~/.ssh/config block', () => {
	it('is the documentation block for the server', () => {
		expect(renderSshConfig(docs)).toBe(
			'Host ocore-*\n  HostName ocore.example.com\n  Port 2222\n  User %n\n  IdentityFile ~/.ssh/id_ed25519\n'
		);
	});

	it("uses the server's own prefix, port and host, and the identity file asked for", () => {
		expect(renderSshConfig({ host: '2001:db8::7', port: 22022, usernamePrefix: 'acme-' }, '~/.ssh/work_ed25519')).toBe(
			'Host acme-*\n  HostName 2001:db8::7\n  Port 22022\n  User %n\n  IdentityFile ~/.ssh/work_ed25519\n'
		);
	});

	it('without a prefix, matches the gateway host only (never Host * with User %n)', () => {
		expect(renderSshConfig({ ...docs, usernamePrefix: '' })).toBe('Host ocore.example.com\n  Port 2222\n  IdentityFile ~/.ssh/id_ed25519\n');
	});

	it.each([
		[{ ...docs, host: 'evil.example.com\n  ProxyCommand touch /tmp/pwned' }, 'The server sent an invalid SSH host'],
		[{ ...docs, host: 'a b' }, 'The server sent an invalid SSH host'],
		[{ ...docs, host: '' }, 'The server sent an invalid SSH host'],
		[{ ...docs, port: 0 }, 'The server sent an invalid SSH port'],
		[{ ...docs, port: 70000 }, 'The server sent an invalid SSH port'],
		[{ ...docs, port: '2222' as unknown as number }, 'The server sent an invalid SSH port'],
		[{ ...docs, usernamePrefix: '*' }, 'The server sent an invalid SSH user name prefix'],
		[{ ...docs, usernamePrefix: 'x\nMatch all' }, 'The server sent an invalid SSH user name prefix']
	])('refuses server values that could inject ssh directives: %j', (config, message) => {
		expect(() => renderSshConfig(config)).toThrow(new CliError('http', message));
	});

	it('refuses an identity file path that would break the line', () => {
		expect(() => renderSshConfig(docs, '~/my keys/id')).toThrow('The identity file path must not contain spaces, quotes or #');
	});
});
