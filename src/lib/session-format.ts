/** How the Sessions pages say a gateway session's duration, size and ending (browser and server alike). */

/** `42 s`, `3 min 5 s`, `2 h 14 min`; null while the session is open. */
export function sessionDuration(startedAt: Date | string, endedAt: Date | string | null): string | null {
	if (endedAt === null) return null;
	const seconds = Math.max(0, Math.round((new Date(endedAt).getTime() - new Date(startedAt).getTime()) / 1000));
	if (seconds < 60) return `${seconds} s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
	return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const BYTE_UNITS = ['KB', 'MB', 'GB', 'TB'];

/** `512 B`, `1.5 KB`, `12 MB` (powers of 1024, one decimal under 10). */
export function byteSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	let value = bytes;
	let unit = -1;
	while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)} ${BYTE_UNITS[unit]}`;
}

/** What the transport column shows: the finer kind for file transfers (sftp, scp, rsync), else the door. */
export function sessionTransport(transport: string, kind: string | null): string {
	if (kind === 'sftp' || kind === 'scp' || kind === 'rsync') return kind;
	return transport === 'websocket' ? 'web' : transport;
}

const END_REASONS: Record<string, string> = {
	closed: 'Closed',
	idle_timeout: 'Idle timeout',
	revoked: 'Access revoked',
	limit: 'Session limit',
	error: 'Error',
	abandoned: 'Gateway stopped'
};

/** `Exit 0`, `Exit 3`, `Idle timeout`, `Open` (still running). */
export function sessionEnding(s: { endedAt: Date | string | null; exitStatus: number | null; endReason: string | null }): string {
	if (s.endedAt === null) return 'Open';
	if (s.exitStatus !== null) return `Exit ${s.exitStatus}`;
	return (s.endReason && END_REASONS[s.endReason]) ?? 'Ended';
}
