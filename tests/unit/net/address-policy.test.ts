import { describe, expect, it } from 'vitest';
import { isExemptHost, judgeAddress } from '../../../src/lib/server/net/address-policy';

describe('outbound address policy', () => {
	it.each([
		['8.8.8.8'],
		['140.82.112.3'],
		['2606:4700:4700::1111'],
		['::ffff:8.8.8.8'],
		['64:ff9b::808:808']
	])('allows the public unicast address %s', (ip) => {
		expect(judgeAddress(ip)).toEqual({ allowed: true });
	});

	it.each([
		['127.0.0.1', 'loopback'],
		['127.255.0.9', 'loopback'],
		['::1', 'loopback'],
		['10.1.2.3', 'private'],
		['172.16.0.1', 'private'],
		['172.31.255.254', 'private'],
		['192.168.1.1', 'private'],
		['169.254.169.254', 'linkLocal'],
		['fe80::1', 'linkLocal'],
		['fe80::1%eth0', 'linkLocal'],
		['fc00::1', 'uniqueLocal'],
		['fd00::1', 'uniqueLocal'],
		['100.64.0.1', 'carrierGradeNat'],
		['100.100.100.200', 'carrierGradeNat'],
		['0.0.0.0', 'unspecified'],
		['::', 'unspecified'],
		['255.255.255.255', 'broadcast'],
		['224.0.0.1', 'multicast'],
		['ff02::1', 'multicast'],
		['240.0.0.1', 'reserved'],
		['192.0.2.1', 'reserved'],
		['::ffff:127.0.0.1', 'loopback'],
		['::ffff:10.0.0.1', 'private'],
		['::ffff:169.254.169.254', 'linkLocal'],
		['::ffff:100.100.100.200', 'carrierGradeNat'],
		['64:ff9b::a9fe:a9fe', 'linkLocal'],
		['::127.0.0.1', 'reserved'],
		['::8.8.8.8', 'reserved'],
		['100::1', 'discard'],
		['2002:7f00:1::1', '6to4'],
		['2001:db8::1', 'reserved'],
		['not-an-ip', 'invalid'],
		['127.1', 'invalid'],
		['::ffff:127.0.0.1:80', 'invalid']
	])('refuses %s (%s)', (ip, range) => {
		expect(judgeAddress(ip)).toEqual({ allowed: false, range });
	});

	it('exempts only host names listed exactly (case and brackets ignored)', () => {
		expect(isExemptHost('GHE.internal', ['ghe.internal'])).toBe(true);
		expect(isExemptHost('[::1]', ['::1'])).toBe(true);
		expect(isExemptHost('evil.ghe.internal', ['ghe.internal'])).toBe(false);
		expect(isExemptHost('localhost', ['127.0.0.1'])).toBe(false);
	});
});
