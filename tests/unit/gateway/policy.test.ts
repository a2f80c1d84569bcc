/** The gateway's pure rules: slugs from user names, the channel policy decorator, commands, signals, idle timer. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { candidateSlugs } from '../../../ssh-gateway/core/authorize';
import { ContainerChannel, isAllowedEnv, withChannelPolicy, type SessionChannel } from '../../../ssh-gateway/core/channel';
import { classify, commandFor, signalFromStatus } from '../../../ssh-gateway/core/commands';
import { IdleTimer } from '../../../ssh-gateway/core/idle';
import type { ContainerSession, SessionRequest, StartResult } from '../../../ssh-gateway/core/types';

describe('candidateSlugs', () => {
	it('strips the prefix, and keeps the whole name as a second choice', () => {
		expect(candidateSlugs('ocore-my-odoo-18', 'ocore-')).toEqual(['my-odoo-18', 'ocore-my-odoo-18']);
		expect(candidateSlugs('my-odoo-18', 'ocore-')).toEqual(['my-odoo-18']);
		expect(candidateSlugs('ocore-', 'ocore-')).toEqual([]);
		expect(candidateSlugs('anything', '')).toEqual(['anything']);
	});

	it('drops names that cannot be slugs', () => {
		expect(candidateSlugs('Root', 'ocore-')).toEqual([]);
		expect(candidateSlugs('a;b', 'ocore-')).toEqual([]);
		expect(candidateSlugs('%n', 'ocore-')).toEqual([]);
		expect(candidateSlugs('x'.repeat(80), 'ocore-')).toEqual([]);
	});
});

describe('channel policy', () => {
	function recorder() {
		const seen: SessionRequest[] = [];
		const inner = new ContainerChannel(async (request) => {
			seen.push(request);
			return { ok: false, code: 'backend_error', userMessage: 'x', operatorReason: 'x' } satisfies StartResult;
		});
		return { seen, channel: withChannelPolicy(inner) as SessionChannel };
	}

	it('passes LANG, LC_* and TERM, and ignores everything else', async () => {
		const { seen, channel } = recorder();
		expect(channel.env('LANG', 'C.UTF-8')).toBe(true);
		expect(channel.env('LC_ALL', 'C')).toBe(true);
		expect(channel.env('TERM', 'xterm')).toBe(true);
		for (const name of ['PATH', 'LD_PRELOAD', 'HOME', 'lang', 'LC_', 'BASH_ENV']) expect(channel.env(name, 'x')).toBe(false);
		expect(channel.env('LANG', 'a\nb')).toBe(false);
		expect(channel.env('LANG', 'x'.repeat(300))).toBe(false);
		await channel.exec('true');
		expect(seen[0]!.env).toEqual({ LANG: 'C.UTF-8', LC_ALL: 'C', TERM: 'xterm' });
	});

	it('clamps terminal sizes and replaces odd terminal names', async () => {
		const { seen, channel } = recorder();
		expect(channel.pty({ term: 'xterm;rm', cols: 0, rows: 99999 })).toBe(true);
		await channel.shell();
		expect(seen[0]!.pty).toEqual({ term: 'xterm', cols: 80, rows: 1000 });
	});

	it('allows the sftp subsystem only, and one start per channel', async () => {
		const { seen, channel } = recorder();
		expect(await channel.subsystem('netconf')).toMatchObject({ ok: false, code: 'unsupported_request', userMessage: 'Not supported by this gateway: subsystem netconf' });
		const second = recorder();
		await second.channel.subsystem('sftp');
		expect(second.seen[0]).toMatchObject({ kind: 'subsystem', command: 'sftp' });
		expect(await second.channel.exec('id')).toMatchObject({ ok: false, code: 'unsupported_request' });
		expect(second.seen).toHaveLength(1);
		expect(seen).toHaveLength(0);
	});

	it('refuses commands over 64 KiB or with NUL bytes', async () => {
		const { seen, channel } = recorder();
		expect(await channel.exec('a'.repeat(64 * 1024 + 1))).toMatchObject({ ok: false, code: 'unsupported_request' });
		const other = recorder();
		expect(await other.channel.exec('echo\0x')).toMatchObject({ ok: false, code: 'unsupported_request' });
		expect([...seen, ...other.seen]).toEqual([]);
	});

	it('passes only RFC 4254 signal names, and only once a process runs', async () => {
		const sent: string[] = [];
		const session = { signal: (name: string) => void sent.push(name), close: () => {} } as unknown as ContainerSession;
		const channel = withChannelPolicy(new ContainerChannel(async () => ({ ok: true, session })));
		expect(channel.signal('INT')).toBe(false); // nothing runs yet
		await channel.exec('sleep 60');
		for (const name of ['INT', 'TERM', 'HUP', 'KILL', 'USR1']) expect(channel.signal(name)).toBe(true);
		for (const name of ['STOP', 'CONT', 'SIGINT', 'int', '9', 'INT; reboot', '']) expect(channel.signal(name)).toBe(false);
		expect(sent).toEqual(['INT', 'TERM', 'HUP', 'KILL', 'USR1']);
		channel.close('closed');
		expect(channel.signal('TERM')).toBe(false);
		expect(sent).toHaveLength(5);
	});

	it('knows which variables it accepts', () => {
		expect(isAllowedEnv('LC_MESSAGES', 'fr_FR.UTF-8')).toBe(true);
		expect(isAllowedEnv('SSH_AUTH_SOCK', '/tmp/x')).toBe(false);
	});
});

describe('commands', () => {
	it('classifies exec commands and subsystems', () => {
		expect(classify({ kind: 'exec', command: 'scp -t /tmp', env: {} })).toBe('scp');
		expect(classify({ kind: 'exec', command: 'rsync --server -logDtpre.iLsfxCIvu . /tmp', env: {} })).toBe('rsync');
		expect(classify({ kind: 'exec', command: 'rsync-helper', env: {} })).toBe('exec');
		expect(classify({ kind: 'subsystem', command: 'sftp', env: {} })).toBe('sftp');
		expect(classify({ kind: 'shell', env: {} })).toBe('shell');
	});

	it('runs exec commands with sh -c and the sftp-server in the home directory, and sizes a pty first', () => {
		const home = 'cd "$HOME" 2>/dev/null || cd /; ';
		expect(commandFor({ kind: 'exec', command: 'echo $$', env: {} }, 'exec', '/sftp')).toEqual(['/bin/sh', '-c', `${home}echo $$`]);
		expect(commandFor({ kind: 'subsystem', command: 'sftp', env: {} }, 'sftp', '/usr/lib/sftp-server')).toEqual(['/bin/sh', '-c', `${home}exec "$0"`, '/usr/lib/sftp-server']);
		const pty = commandFor({ kind: 'exec', command: 'stty size', pty: { term: 'xterm', cols: 81, rows: 25 }, env: {} }, 'exec', '/sftp');
		expect(pty).toEqual(['/bin/sh', '-c', `${home}stty cols 81 rows 25 2>/dev/null; exec /bin/sh -c "$0"`, 'stty size']);
		const scp = commandFor({ kind: 'exec', command: 'scp -t /tmp', env: {} }, 'scp', '/sftp');
		expect(scp[2]).toContain('scp not found in the instance image');
		expect(scp[2]!.endsWith('; scp -t /tmp')).toBe(true);
	});

	it('reads 128+N of an exec as signal N, never for a shell', () => {
		expect(signalFromStatus('exec', 143)).toBe('TERM');
		expect(signalFromStatus('exec', 137)).toBe('KILL');
		expect(signalFromStatus('exec', 128)).toBeUndefined();
		expect(signalFromStatus('exec', 3)).toBeUndefined();
		expect(signalFromStatus('shell', 130)).toBeUndefined();
		expect(signalFromStatus('exec', null)).toBeUndefined();
	});
});

describe('IdleTimer', () => {
	afterEach(() => vi.useRealTimers());

	it('fires once after the timeout without activity, and activity pushes it back', () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
		const fired = vi.fn();
		const timer = new IdleTimer(10, fired);
		vi.advanceTimersByTime(6_000);
		timer.touch();
		vi.advanceTimersByTime(6_000);
		expect(fired).not.toHaveBeenCalled();
		vi.advanceTimersByTime(4_100);
		expect(fired).toHaveBeenCalledTimes(1);
		vi.advanceTimersByTime(60_000);
		expect(fired).toHaveBeenCalledTimes(1);
	});

	it('does nothing once stopped', () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
		const fired = vi.fn();
		new IdleTimer(1, fired).stop();
		vi.advanceTimersByTime(5_000);
		expect(fired).not.toHaveBeenCalled();
	});
});
