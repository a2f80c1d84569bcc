/**
 * The client's address: the socket's, unless TRUSTED_PROXY_HOPS says that many proxies we control
 * append to X-Forwarded-For. Then the entry that many places from the right is the first address a
 * trusted proxy saw; anything further left is client-supplied and never trusted.
 */
export function resolveClientIp(socketAddress: string, forwardedFor: string | null, trustedProxyHops: number): string {
	if (trustedProxyHops <= 0 || !forwardedFor) return normalise(socketAddress);
	const hops = forwardedFor
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	const candidate = hops[hops.length - trustedProxyHops];
	return normalise(candidate ?? hops[0] ?? socketAddress);
}

function normalise(address: string): string {
	return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
