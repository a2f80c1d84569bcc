import { describe, expect, it } from 'vitest';
import { resolveClientIp } from '../../../src/lib/server/http/client-ip';

describe('client address', () => {
	it('comes from the socket unless proxies are trusted', () => {
		expect(resolveClientIp('203.0.113.9', '1.2.3.4', 0)).toBe('203.0.113.9');
		expect(resolveClientIp('::ffff:203.0.113.9', null, 0)).toBe('203.0.113.9');
	});

	it('takes the entry the trusted proxy appended, ignoring what the client wrote before it', () => {
		expect(resolveClientIp('10.0.0.1', 'spoofed, 198.51.100.7', 1)).toBe('198.51.100.7');
		expect(resolveClientIp('10.0.0.1', 'spoofed, 198.51.100.7, 10.0.0.2', 2)).toBe('198.51.100.7');
		expect(resolveClientIp('10.0.0.1', '198.51.100.7', 3)).toBe('198.51.100.7');
		expect(resolveClientIp('10.0.0.1', null, 1)).toBe('10.0.0.1');
	});
});
