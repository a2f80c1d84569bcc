/** The rate limit of the SSH door's refusal lines, on a controlled clock. */
import { describe, expect, it } from 'vitest';
import type { GatewayLog } from '../../../ssh-gateway/core/log';
import { createRefusalLog, REFUSAL_LOG_INTERVAL_MS } from '../../../ssh-gateway/ssh/refusal-log';

function capture() {
	const lines: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
	const log = { info: (msg: string, fields?: Record<string, unknown>) => lines.push({ msg, fields }) } as unknown as GatewayLog;
	let now = 0;
	const refusals = createRefusalLog(log, () => now);
	return { lines, refusals, advance: (ms: number) => (now += ms) };
}

const key = (clientIp: string) => ({ clientIp, username: 'shop', algorithm: 'ssh-ed25519', fingerprint: 'SHA256:abc', reason: 'unknown key' });

describe('refusal log', () => {
	it('writes one line per address per interval, and the next line counts the ones left out', () => {
		const { lines, refusals, advance } = capture();
		refusals.keyRefused(key('203.0.113.7'));
		refusals.keyRefused(key('203.0.113.7'));
		refusals.keyRefused(key('203.0.113.7'));
		refusals.keyRefused(key('198.51.100.1'));
		expect(lines.map((l) => [l.msg, l.fields?.clientIp, l.fields?.notLoggedSinceLastLine])).toEqual([
			['ssh key refused', '203.0.113.7', 0],
			['ssh key refused', '198.51.100.1', 2]
		]);
		advance(REFUSAL_LOG_INTERVAL_MS);
		refusals.keyRefused(key('203.0.113.7'));
		expect(lines).toHaveLength(3);
		expect(lines[2]!.fields).toEqual({ ...key('203.0.113.7'), notLoggedSinceLastLine: 0 });
	});

	it('limits each kind of line separately, and all addresses together', () => {
		const { lines, refusals } = capture();
		refusals.keyRefused(key('203.0.113.7'));
		refusals.handshakeFailed({ clientIp: '203.0.113.7', clientSoftware: 'SSH-2.0-libssh2_1.10.0', reason: 'Handshake failed: no matching C->S MAC' });
		expect(lines.map((l) => l.msg)).toEqual(['ssh key refused', 'ssh handshake failed']);
		for (let i = 0; i < 200; i++) refusals.keyRefused(key(`10.0.${i >> 8}.${i & 255}`));
		expect(lines.filter((l) => l.msg === 'ssh key refused')).toHaveLength(50);
	});

	it('cuts a long client software string', () => {
		const { lines, refusals } = capture();
		refusals.handshakeFailed({ clientIp: '203.0.113.7', clientSoftware: 'x'.repeat(1000), reason: 'r' });
		expect((lines[0]!.fields!.clientSoftware as string).length).toBe(120);
	});
});
