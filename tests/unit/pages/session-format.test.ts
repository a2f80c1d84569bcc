/** What the Sessions pages say of a gateway session: its duration, its bytes, its door and how it ended. */
import { describe, expect, it } from 'vitest';
import { byteSize, sessionDuration, sessionEnding, sessionTransport } from '../../../src/lib/session-format';

describe('session formatting on the Sessions pages', () => {
	it('says durations in the largest two units, and nothing for an open session', () => {
		const start = new Date('2026-06-01T12:00:00Z');
		const at = (s: number) => new Date(start.getTime() + s * 1000);
		expect(sessionDuration(start, at(0))).toBe('0 s');
		expect(sessionDuration(start, at(42.4))).toBe('42 s');
		expect(sessionDuration(start, at(185))).toBe('3 min 5 s');
		expect(sessionDuration(start, at(2 * 3600 + 14 * 60 + 59))).toBe('2 h 14 min');
		expect(sessionDuration(start.toISOString(), at(60).toISOString())).toBe('1 min 0 s');
		expect(sessionDuration(start, null)).toBeNull();
	});

	it('says sizes in bytes, then powers of 1024', () => {
		expect(byteSize(0)).toBe('0 B');
		expect(byteSize(1023)).toBe('1023 B');
		expect(byteSize(1024)).toBe('1 KB');
		expect(byteSize(1536)).toBe('1.5 KB');
		expect(byteSize(12 * 1024 * 1024 + 1)).toBe('12 MB');
	});

	it('names file transfers by their kind and the browser door "web"', () => {
		expect(sessionTransport('ssh', 'shell')).toBe('ssh');
		expect(sessionTransport('ssh', 'exec')).toBe('ssh');
		expect(sessionTransport('ssh', 'sftp')).toBe('sftp');
		expect(sessionTransport('ssh', 'rsync')).toBe('rsync');
		expect(sessionTransport('websocket', 'shell')).toBe('web');
	});

	it('says how a session ended: its exit status, else its reason, or that it is open', () => {
		const ended = new Date();
		expect(sessionEnding({ endedAt: ended, exitStatus: 3, endReason: 'closed' })).toBe('Exit 3');
		expect(sessionEnding({ endedAt: ended, exitStatus: null, endReason: 'idle_timeout' })).toBe('Idle timeout');
		expect(sessionEnding({ endedAt: ended, exitStatus: null, endReason: null })).toBe('Ended');
		expect(sessionEnding({ endedAt: null, exitStatus: null, endReason: null })).toBe('Open');
	});
});
