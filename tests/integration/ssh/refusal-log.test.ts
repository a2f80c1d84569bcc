/**
 * The operator's view of what the SSH door turns away before anyone is signed in: one log line per
 * failed handshake and per refused key, with the address, the reason and (for a key) its type and
 * SHA-256 fingerprint, never the key itself; and at most one such line per address every 10 s.
 * Each test connects from its own loopback address (`ssh -b`), so lines of other tests do not count.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { clientOptions, runClient, sshPort, waitFor } from '../../helpers/ssh';
import { generateKey } from '../../helpers/ssh-keys';

const hasDocker = inject('sshDocker');

type LogLine = { msg: string; clientIp?: string; [field: string]: unknown };

function serverLog(): { text: string; lines: LogLine[] } {
	const text = readFileSync(inject('sshServerLogFile'), 'utf8');
	const lines = text
		.split('\n')
		.filter((l) => l.startsWith('{'))
		.map((l) => JSON.parse(l) as LogLine);
	return { text, lines };
}

function linesFrom(msg: string, clientIp: string) {
	return serverLog().lines.filter((l) => l.msg === msg && l.clientIp === clientIp);
}

describe.skipIf(!hasDocker)('refusal log lines', () => {
	it('logs a refused key once per address per interval, with its fingerprint and without key material', async () => {
		const stranger = generateKey('ed25519');
		const from = '127.0.0.41';
		const attempt = () => runClient('ssh', ['-b', from, '-p', String(sshPort()), ...clientOptions(stranger.privateFile), 'shop@127.0.0.1', 'true']);
		const first = await attempt();
		expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 255, stderr: 'shop@127.0.0.1: Permission denied (publickey).\r\n' });
		const [line] = await waitFor(async () => {
			const found = linesFrom('ssh key refused', from);
			return found.length > 0 ? found : null;
		});
		expect(line).toMatchObject({
			level: 'info',
			clientIp: from,
			username: 'shop',
			algorithm: 'ssh-ed25519',
			fingerprint: stranger.keygenFingerprint,
			reason: 'unknown key',
			// Counted over every address (other files' refusals on this shared server count too).
			notLoggedSinceLastLine: expect.any(Number)
		});
		expect(serverLog().text).not.toContain(stranger.line.split(' ')[1]!.slice(0, 40));
		// The same address again at once: refused the same way, and no second line.
		expect((await attempt()).code).toBe(255);
		const marker = generateKey('ed25519');
		await runClient('ssh', ['-b', '127.0.0.42', '-p', String(sshPort()), ...clientOptions(marker.privateFile), 'shop@127.0.0.1', 'true']);
		await waitFor(async () => linesFrom('ssh key refused', '127.0.0.42').length === 1);
		expect(linesFrom('ssh key refused', from)).toHaveLength(1);
	});

	it('logs a failed handshake with the client software and the reason', async () => {
		const key = generateKey('ed25519');
		const from = '127.0.0.43';
		// A client that offers only SHA-1 MACs with a CTR cipher: nothing in common with the gateway.
		// LogLevel INFO first (ssh keeps the first value of an option): the negotiation error is INFO's.
		const r = await runClient('ssh', ['-b', from, '-p', String(sshPort()), '-o', 'LogLevel=INFO', '-c', 'aes128-ctr', '-m', 'hmac-sha1', ...clientOptions(key.privateFile), 'shop@127.0.0.1', 'true']);
		expect(r.code).toBe(255);
		expect(r.stderr).toMatch(/^Unable to negotiate with 127\.0\.0\.1 port \d+: no matching MAC found\. Their offer: hmac-sha2-256-etm@openssh\.com,hmac-sha2-512-etm@openssh\.com,hmac-sha2-256,hmac-sha2-512\r\n$/);
		const [line] = await waitFor(async () => {
			const found = linesFrom('ssh handshake failed', from);
			return found.length > 0 ? found : null;
		});
		expect(line).toMatchObject({ clientIp: from, reason: 'Handshake failed: no matching C->S MAC' });
		expect(line!.clientSoftware).toMatch(/^SSH-2\.0-OpenSSH_/);
	});
});
