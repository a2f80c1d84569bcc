/**
 * Rate-limited operator lines for what the SSH door turns away before a user is known: failed
 * handshakes (no common algorithm, a protocol error) and keys refused at the "would this key do"
 * probe or at the signed request.
 *
 * Policy:
 * - one line per event, with the client's address and what the operator needs to act (the client's
 *   software, the reason, the key's type and SHA-256 fingerprint); never key material, signatures or
 *   any other bytes the client sent;
 * - a flood must not flood the log: at most one line per kind of line per source address (IPv6 by
 *   its /64) every REFUSAL_LOG_INTERVAL_MS, and at most MAX_LINES_PER_INTERVAL lines per kind from
 *   all addresses together; the next line that is written says how many were not logged.
 */
import type { GatewayLog } from '../core/log';
import { sourceKey } from './admission';

export const REFUSAL_LOG_INTERVAL_MS = 10_000;
const MAX_LINES_PER_INTERVAL = 50;
/** Client software strings are the client's own words: long enough to name a library, no longer. */
const MAX_SOFTWARE_CHARS = 120;

export type RefusalLog = {
	handshakeFailed(fields: { clientIp: string; clientSoftware: string; reason: string }): void;
	keyRefused(fields: { clientIp: string; username: string; algorithm: string; fingerprint: string; reason: string }): void;
};

export function createRefusalLog(log: GatewayLog, now: () => number = () => performance.now()): RefusalLog {
	/** Per kind of line: the current window's count, and the lines not written since the last one. */
	const windows = new Map<string, { startedAt: number; written: number; notLogged: number }>();
	/** Per kind of line and source address: when its last line was written. */
	const lastWritten = new Map<string, number>();

	function write(line: string, clientIp: string, fields: Record<string, unknown>) {
		const at = now();
		let window = windows.get(line);
		if (!window || at - window.startedAt >= REFUSAL_LOG_INTERVAL_MS) {
			window = { startedAt: at, written: 0, notLogged: window?.notLogged ?? 0 };
			windows.set(line, window);
		}
		const key = `${line}\u0000${sourceKey(clientIp)}`;
		const last = lastWritten.get(key);
		if (window.written >= MAX_LINES_PER_INTERVAL || (last !== undefined && at - last < REFUSAL_LOG_INTERVAL_MS)) {
			window.notLogged++;
			return;
		}
		// Addresses seen once must not pile up.
		if (lastWritten.size >= 10_000) for (const [k, t] of lastWritten) if (at - t >= REFUSAL_LOG_INTERVAL_MS) lastWritten.delete(k);
		lastWritten.set(key, at);
		window.written++;
		const notLoggedSinceLastLine = window.notLogged;
		window.notLogged = 0;
		log.info(line, { clientIp, ...fields, notLoggedSinceLastLine });
	}

	return {
		handshakeFailed: ({ clientIp, clientSoftware, reason }) =>
			write('ssh handshake failed', clientIp, { clientSoftware: clientSoftware.slice(0, MAX_SOFTWARE_CHARS), reason }),
		keyRefused: ({ clientIp, username, algorithm, fingerprint, reason }) =>
			write('ssh key refused', clientIp, { username: username.slice(0, 64), algorithm, fingerprint, reason })
	};
}
