import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectLocalSsh, expandsTokensInUser, parseOpenSshVersion } from '../../../src/cli/ssh-version';

describe('the local OpenSSH version', () => {
	it.each([
		['OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15 3 Sep 2024', { major: 9, minor: 2, text: '9.2p1' }],
		['OpenSSH_10.0p2 Debian-5, OpenSSL 3.5.0 8 Apr 2025', { major: 10, minor: 0, text: '10.0p2' }],
		['OpenSSH_8.9p1 Ubuntu-3ubuntu0.10, OpenSSL 3.0.2 15 Mar 2022', { major: 8, minor: 9, text: '8.9p1' }],
		['OpenSSH_for_Windows_9.5p1, LibreSSL 3.8.2', { major: 9, minor: 5, text: '9.5p1' }],
		['OpenSSH_10.2, LibreSSL 4.1.0', { major: 10, minor: 2, text: '10.2' }]
	])('is read from `ssh -V`: %s', (banner, version) => {
		expect(parseOpenSshVersion(banner)).toEqual(version);
	});

	it('is unknown for another client', () => {
		expect(parseOpenSshVersion('Dropbear SSH client v2022.83')).toBeNull();
		expect(parseOpenSshVersion('')).toBeNull();
	});

	it('expands %n in User from OpenSSH 10.0 on, and is assumed not to when unknown', () => {
		const v = (banner: string) => expandsTokensInUser(parseOpenSshVersion(banner));
		expect(v('OpenSSH_9.2p1 Debian-2+deb12u3')).toBe(false);
		expect(v('OpenSSH_9.9p2')).toBe(false);
		expect(v('OpenSSH_10.0p1')).toBe(true);
		expect(v('OpenSSH_10.2p1')).toBe(true);
		expect(v('OpenSSH_11.0p1')).toBe(true);
		expect(expandsTokensInUser(null)).toBe(false);
	});

	it('is asked of the ssh on PATH, and a missing ssh is an answer, not an error', async () => {
		const bin = mkdtempSync(path.join(tmpdir(), 'ocore-fake-ssh-'));
		writeFileSync(path.join(bin, 'ssh'), '#!/bin/sh\necho "OpenSSH_10.0p2 Debian-5, OpenSSL 3.5.0" >&2\n');
		chmodSync(path.join(bin, 'ssh'), 0o755);
		expect(await detectLocalSsh({ PATH: bin })).toEqual({
			found: true,
			banner: 'OpenSSH_10.0p2 Debian-5, OpenSSL 3.5.0',
			version: { major: 10, minor: 0, text: '10.0p2' }
		});
		const empty = mkdtempSync(path.join(tmpdir(), 'ocore-no-ssh-'));
		expect(await detectLocalSsh({ PATH: empty })).toEqual({ found: false });
	});
});
