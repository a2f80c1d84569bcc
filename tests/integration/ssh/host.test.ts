/**
 * The gateway's face: ssh-audit (Debian's) finds no failing algorithm, and the host keys (Ed25519 and
 * RSA 3072) are made once and kept: a restarted server presents the very same keys, so a client's
 * known_hosts entry still matches (StrictHostKeyChecking=yes), while a changed key would be refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { startOcoreProcess } from '../../helpers/ocore-process';
import { generateKey } from '../../helpers/ssh-keys';
import { runClient, sshPort } from '../../helpers/ssh';

const hasDocker = inject('sshDocker');
const hasSshAudit = spawnSync('ssh-audit', ['-h'], { stdio: 'ignore' }).error === undefined;

function keyscan(port: number): string[] {
	const r = spawnSync('ssh-keyscan', ['-p', String(port), '-t', 'ed25519,rsa', '127.0.0.1'], { encoding: 'utf8', timeout: 30_000 });
	return r.stdout
		.split('\n')
		.filter((l) => l && !l.startsWith('#'))
		.sort();
}

describe.skipIf(!hasDocker)('host keys and algorithms', () => {
	it.skipIf(!hasSshAudit && process.env.CI !== 'true')('ssh-audit reports no failing algorithm', async () => {
		const r = await runClient('ssh-audit', ['-n', '-p', String(sshPort()), '127.0.0.1'], { timeoutMs: 60_000 });
		const lines = r.stdout.split('\n');
		expect(lines.filter((l) => l.includes('[fail]'))).toEqual([]);
		// What is offered, exactly: modern key exchange, host keys without SHA-1, AEAD/CTR ciphers, ETM MACs
		// first and the plain SHA-2 ones after them (for libssh2 1.10; ssh-audit warns, it does not fail).
		const offered = (tag: string) => lines.filter((l) => l.startsWith(`(${tag}) `)).map((l) => l.slice(tag.length + 3).split(/\s+/)[0]);
		expect(offered('kex')).toEqual(expect.arrayContaining(['curve25519-sha256', 'diffie-hellman-group16-sha512']));
		// Post-quantum first; Debian 12's ssh-audit (2.5) predates it and says "[warn] unknown algorithm".
		expect(offered('kex')[0]).toBe('mlkem768x25519-sha256');
		expect(offered('kex').filter((k) => /sha1|group14|group1-|nistp/.test(k!))).toEqual([]);
		expect(offered('key')).toEqual(['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256']);
		expect(offered('enc').filter((c) => /cbc|3des|arcfour/.test(c!))).toEqual([]);
		expect(offered('mac')).toEqual(['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512']);
		expect(lines.some((l) => l.startsWith('(key) rsa-sha2-512 (3072-bit)'))).toBe(true);
	});

	it('keeps its host keys across a restart; clients holding the old entry connect without a warning', async () => {
		const dataDir = mkdtempSync(path.join(tmpdir(), 'ocore-hostkeys-'));
		const first = await startOcoreProcess({}, { dataDir });
		let before: string[];
		try {
			before = keyscan(first.sshPort);
		} finally {
			await first.stop();
		}
		expect(before.map((l) => l.split(' ')[1])).toEqual(['ssh-ed25519', 'ssh-rsa']);
		for (const file of ['ssh_host_ed25519_key', 'ssh_host_rsa_key']) {
			expect(statSync(path.join(dataDir, 'ssh-host-keys', file)).mode & 0o777).toBe(0o600);
		}
		expect(statSync(path.join(dataDir, 'ssh-host-keys')).mode & 0o777).toBe(0o700);
		const privateBefore = readFileSync(path.join(dataDir, 'ssh-host-keys', 'ssh_host_rsa_key'), 'utf8');

		const second = await startOcoreProcess({}, { dataDir, sshPort: first.sshPort });
		try {
			const after = keyscan(second.sshPort);
			expect(after).toEqual(before);
			expect(readFileSync(path.join(dataDir, 'ssh-host-keys', 'ssh_host_rsa_key'), 'utf8')).toBe(privateBefore);

			// A client that trusted the first start trusts the second: strict checking passes the host key
			// step and the (unregistered) user key is what fails.
			const knownHosts = path.join(dataDir, 'client_known_hosts');
			writeFileSync(knownHosts, before.join('\n') + '\n');
			const stranger = generateKey('ed25519');
			const args = ['-p', String(second.sshPort), '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-i', stranger.privateFile, 'anyone@127.0.0.1', 'true'];
			const r = await runClient('ssh', args);
			expect(r.stderr).not.toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
			expect(r.stderr).toContain('Permission denied (publickey)');

			// The negative: a known_hosts entry with another key is refused by the client.
			const other = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dataDir, 'other_host_key')]);
			expect(other.status).toBe(0);
			const otherPub = readFileSync(path.join(dataDir, 'other_host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
			writeFileSync(knownHosts, `[127.0.0.1]:${second.sshPort} ${otherPub}\n`);
			const changed = await runClient('ssh', [...args.slice(0, -2), '-o', 'HostKeyAlgorithms=ssh-ed25519', 'anyone@127.0.0.1', 'true']);
			expect(changed.code).toBe(255);
			expect(changed.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
		} finally {
			await second.stop();
		}
	});
});
