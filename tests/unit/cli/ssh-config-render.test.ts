import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/cli/errors';
import { renderPerInstanceSshConfig, renderSshConfig } from '../../../src/cli/ssh-config-render';

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

describe('the per-instance ~/.ssh/config blocks', () => {
	const why = 'Your ssh (OpenSSH 9.2p1) does not expand %n in User (OpenSSH 10.0 and later do), so a wildcard Host block cannot name the instance.';

	it('name each instance, sorted, with its slug as the user, under comments saying why and how to refresh', () => {
		expect(renderPerInstanceSshConfig(docs, ['shop-prod', 'erp-18', 'shop-prod'], why)).toBe(
			[
				'# oCore SSH gateway ocore.example.com port 2222: one block per instance you can reach.',
				`# ${why}`,
				'# Access changes: run `ocore ssh-config` again and replace these blocks with its output.',
				'Host ocore-erp-18',
				'  HostName ocore.example.com',
				'  Port 2222',
				'  User erp-18',
				'  IdentityFile ~/.ssh/id_ed25519',
				'Host ocore-shop-prod',
				'  HostName ocore.example.com',
				'  Port 2222',
				'  User shop-prod',
				'  IdentityFile ~/.ssh/id_ed25519',
				''
			].join('\n')
		);
	});

	it('say so when there is no instance to reach yet', () => {
		const text = renderPerInstanceSshConfig(docs, [], why, '~/.ssh/work');
		expect(text.split('\n').filter((l) => l.startsWith('Host '))).toEqual([]);
		expect(text).toContain('# You cannot reach any instance yet.\n');
	});

	it.each([['evil\n  ProxyCommand touch /tmp/pwned'], ['UPPER'], ['-dash'], ['a b'], ['*']])('refuse a slug that could inject directives: %j', (slug) => {
		expect(() => renderPerInstanceSshConfig(docs, ['fine', slug], why)).toThrow(new CliError('http', 'The server sent an invalid SSH instance slug'));
	});

	it('keep the reason on one comment line', () => {
		expect(renderPerInstanceSshConfig(docs, [], 'two\nlines')).toContain('# two lines\n');
	});
});
