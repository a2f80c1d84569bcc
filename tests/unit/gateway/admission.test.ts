/** The source a per-address cap counts: IPv4 as is (also when mapped into IPv6), IPv6 by its /64. */
import { describe, expect, it } from 'vitest';
import { sourceKey } from '../../../ssh-gateway/ssh/admission';

describe('sourceKey', () => {
	it('counts an IPv4 address by itself, mapped or not', () => {
		expect(sourceKey('203.0.113.7')).toBe('203.0.113.7');
		expect(sourceKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
	});

	it('counts every address of one IPv6 /64 together, however it is written', () => {
		const a = sourceKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
		expect(a).toBe('2001:db8:1:2::/64');
		expect(sourceKey('2001:0db8:0001:0002::1')).toBe(a);
		expect(sourceKey('2001:db8:1:3::1')).not.toBe(a);
		expect(sourceKey('::1')).toBe('::/64');
		expect(sourceKey('fe80::1')).toBe('fe80::/64');
	});

	it('puts a socket without an address under one key', () => {
		expect(sourceKey(undefined)).toBe('unknown');
	});
});
