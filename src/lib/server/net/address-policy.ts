/**
 * Which IP addresses the outbound fetcher may connect to.
 *
 * Policy: only public unicast addresses. Refused: loopback, RFC 1918 private, link-local
 * (169.254/16 incl. the 169.254.169.254 metadata service, fe80::/10), unique-local (fc00::/7),
 * carrier-grade NAT 100.64/10 (incl. Alibaba's 100.100.100.200 metadata service), unspecified,
 * broadcast, multicast, documentation/benchmarking/reserved blocks, and in IPv6 everything outside
 * global unicast 2000::/3 (so IPv4-compatible ::a.b.c.d forms are refused too). Addresses that
 * embed an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d) are judged by the
 * embedded address; the tunnelling prefixes 6to4 and Teredo are refused outright.
 *
 * Range data comes from ipaddr.js (well kept, used by Express's proxy-addr) rather than hand-written
 * CIDR arithmetic.
 */
import ipaddr from 'ipaddr.js';

export type AddressVerdict = { allowed: true } | { allowed: false; range: string };

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

function judgeV4(addr: ipaddr.IPv4): AddressVerdict {
	const range = addr.range();
	return range === 'unicast' ? { allowed: true } : { allowed: false, range };
}

function judgeV6(addr: ipaddr.IPv6): AddressVerdict {
	if (addr.isIPv4MappedAddress()) return judgeV4(addr.toIPv4Address());
	if (addr.match(NAT64_WELL_KNOWN)) {
		const bytes = addr.toByteArray().slice(12);
		return judgeV4(new ipaddr.IPv4(bytes));
	}
	const range = addr.range();
	if (range !== 'unicast') return { allowed: false, range };
	if (!addr.match(GLOBAL_UNICAST_V6)) return { allowed: false, range: 'reserved' };
	return { allowed: true };
}

/**
 * IPv6 text is first re-serialised by the WHATWG URL parser (the one node's sockets and our URLs
 * agree with), because ipaddr.js reads the IPv4-compatible form `::a.b.c.d` as IPv4-mapped.
 */
function canonical(bare: string): string | null {
	if (!bare.includes(':')) return ipaddr.IPv4.isValidFourPartDecimal(bare) ? bare : null;
	try {
		return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
	} catch {
		return null;
	}
}

/** Judges one textual IP address (v4 or v6, with or without [brackets] or a %zone). Not an IP -> refused. */
export function judgeAddress(ip: string): AddressVerdict {
	const bare = canonical(ip.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
	if (bare === null || !ipaddr.isValid(bare)) return { allowed: false, range: 'invalid' };
	const addr = ipaddr.parse(bare);
	return addr.kind() === 'ipv4' ? judgeV4(addr as ipaddr.IPv4) : judgeV6(addr as ipaddr.IPv6);
}

/** Operator-configured host names (compared exactly, case-insensitively, brackets ignored) skip the address check. */
export function isExemptHost(hostname: string, allowPrivateHosts: readonly string[]): boolean {
	const norm = (h: string) => h.toLowerCase().replace(/^\[|\]$/g, '');
	const host = norm(hostname);
	return allowPrivateHosts.some((h) => norm(h) === host);
}
