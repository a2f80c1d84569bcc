/**
 * Admission of TCP connections to the SSH port, before ssh2 sees a byte.
 *
 * Policy:
 * - a connection is "unauthenticated" from accept until its user has authenticated; at most
 *   SSH_MAX_UNAUTHENTICATED_PER_IP of those per source address (IPv4 address, IPv6 /64) and
 *   SSH_MAX_UNAUTHENTICATED in total. A connection beyond either cap is dropped at once, before the
 *   server's identification line (as OpenSSH's MaxStartups drops it), so a flood costs one accept;
 * - the client's identification line must arrive within SSH_IDENT_TIMEOUT_SECONDS of accept, and
 *   authentication must be complete within SSH_LOGIN_GRACE_SECONDS of accept; otherwise the socket is
 *   destroyed. Both clocks start at accept, so a client that trickles bytes gains nothing;
 * - each refusal or timeout is one operator log line (address, reason, the counts; never any bytes
 *   the client sent), at most one per reason every REFUSAL_LOG_INTERVAL_MS, the next one saying how
 *   many were not logged in between.
 */
import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { GatewayLog } from '../core/log';

export type AdmissionLimits = {
	maxUnauthenticatedPerIp: number;
	maxUnauthenticated: number;
	identTimeoutSeconds: number;
	loginGraceSeconds: number;
};

/** One admitted socket's passage through the handshake. */
export type Admission = {
	/** The identification line arrived (ssh2 announced the client): the ident clock stops. */
	identified(): void;
	/** The user authenticated: the socket no longer counts as unauthenticated, the grace clock stops. */
	authenticated(): void;
};

const REFUSAL_LOG_INTERVAL_MS = 10_000;

/** The address a per-source cap counts: IPv4 as is, IPv6 by its /64 (one host usually holds a whole /64). */
export function sourceKey(address: string | undefined): string {
	if (!address) return 'unknown';
	if (!ipaddr.isValid(address)) return address;
	const parsed = ipaddr.parse(address);
	if (parsed.kind() === 'ipv4') return parsed.toString();
	const v6 = parsed as ipaddr.IPv6;
	if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
	return `${ipaddr.IPv6.networkAddressFromCIDR(`${v6.toString()}/64`).toString()}/64`;
}

export function createAdmission(limits: AdmissionLimits, log: GatewayLog) {
	const perSource = new Map<string, number>();
	let total = 0;
	const lastLogged = new Map<string, { at: number; suppressed: number }>();

	/** Drops the socket and says why, in one rate-limited line per reason. */
	function refuse(socket: Socket, source: string, reason: string, line = 'ssh connection refused') {
		socket.destroy();
		const now = performance.now();
		const last = lastLogged.get(reason);
		if (last && now - last.at < REFUSAL_LOG_INTERVAL_MS) {
			last.suppressed++;
			return;
		}
		lastLogged.set(reason, { at: now, suppressed: 0 });
		log.info(line, {
			clientIp: socket.remoteAddress ?? source,
			reason,
			unauthenticatedFromAddress: perSource.get(source) ?? 0,
			unauthenticatedTotal: total,
			notLoggedSinceLastLine: last?.suppressed ?? 0
		});
	}

	function release(source: string) {
		total--;
		const n = (perSource.get(source) ?? 1) - 1;
		if (n <= 0) perSource.delete(source);
		else perSource.set(source, n);
	}

	return {
		/** Counts the socket in, arms its clocks; null when it was refused (and already destroyed). */
		admit(socket: Socket): Admission | null {
			const source = sourceKey(socket.remoteAddress);
			if ((perSource.get(source) ?? 0) >= limits.maxUnauthenticatedPerIp) {
				refuse(socket, source, 'too many unauthenticated connections from this address');
				return null;
			}
			if (total >= limits.maxUnauthenticated) {
				refuse(socket, source, 'too many unauthenticated connections');
				return null;
			}
			total++;
			perSource.set(source, (perSource.get(source) ?? 0) + 1);
			let counted = true;
			const uncount = () => {
				if (!counted) return;
				counted = false;
				release(source);
			};
			const identTimer = setTimeout(
				() => refuse(socket, source, `no identification line within ${limits.identTimeoutSeconds} s`, 'ssh handshake timed out'),
				limits.identTimeoutSeconds * 1000
			);
			const graceTimer = setTimeout(
				() => refuse(socket, source, `not authenticated within ${limits.loginGraceSeconds} s`, 'ssh handshake timed out'),
				limits.loginGraceSeconds * 1000
			);
			identTimer.unref();
			graceTimer.unref();
			socket.once('close', () => {
				clearTimeout(identTimer);
				clearTimeout(graceTimer);
				uncount();
			});
			return {
				identified: () => clearTimeout(identTimer),
				authenticated: () => {
					clearTimeout(identTimer);
					clearTimeout(graceTimer);
					uncount();
				}
			};
		},

		get unauthenticatedCount(): number {
			return total;
		}
	};
}
