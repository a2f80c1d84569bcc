import { describe, expect, it } from 'vitest';
import { parseClientMessage, parseServerMessage } from '../../../src/lib/terminal/protocol';

describe('the browser terminal protocol', () => {
	it('reads a resize message within the pty limits', () => {
		expect(parseClientMessage('{"type":"resize","cols":120,"rows":40}')).toEqual({ type: 'resize', cols: 120, rows: 40 });
		expect(parseClientMessage('{"type":"resize","cols":1000,"rows":1}')).toEqual({ type: 'resize', cols: 1000, rows: 1 });
	});

	it('ignores sizes out of range, fractions, unknown types and text that is not JSON', () => {
		for (const text of [
			'{"type":"resize","cols":0,"rows":40}',
			'{"type":"resize","cols":80,"rows":1001}',
			'{"type":"resize","cols":80.5,"rows":24}',
			'{"type":"resize","cols":"80","rows":24}',
			'{"type":"paste","data":"rm -rf /"}',
			'resize 80 24',
			'',
			'null',
			'[]'
		]) {
			expect(parseClientMessage(text), text).toBeNull();
		}
	});

	it('reads the exit message the server sends, with or without a signal and a message', () => {
		expect(parseServerMessage('{"type":"exit","status":3,"reason":"closed"}')).toEqual({ type: 'exit', status: 3, reason: 'closed' });
		expect(parseServerMessage('{"type":"exit","status":null,"reason":"idle_timeout","message":"Idle timeout: closed after 5 seconds without activity"}')).toMatchObject({
			reason: 'idle_timeout',
			message: 'Idle timeout: closed after 5 seconds without activity'
		});
		expect(parseServerMessage('{"type":"exit","status":null,"signal":"KILL","reason":"closed"}')).toMatchObject({ signal: 'KILL' });
		expect(parseServerMessage('{"type":"exit","status":0,"reason":"bogus"}')).toBeNull();
		expect(parseServerMessage('{"type":"resize","cols":1,"rows":1}')).toBeNull();
	});
});
