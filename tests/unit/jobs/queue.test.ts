import { afterEach, describe, expect, it, vi } from 'vitest';
import { createJobQueue } from '../../../src/lib/server/jobs/queue';

afterEach(() => {
	vi.restoreAllMocks();
});

describe('the in-process job queue', () => {
	it('runs jobs one at a time, in order, after the caller has moved on', async () => {
		const queue = createJobQueue();
		const order: string[] = [];
		queue.enqueue('a', async () => {
			order.push('a start');
			await new Promise((r) => setImmediate(r));
			order.push('a end');
		});
		queue.enqueue('b', async () => {
			order.push('b');
		});
		order.push('caller');
		await queue.drain();
		expect(order).toEqual(['caller', 'a start', 'a end', 'b']);
		expect(queue.pending).toBe(0);
	});

	it('logs a failed job by label and error name only, never its message, and goes on', async () => {
		const lines: string[] = [];
		vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
		const queue = createJobQueue();
		let ranAfter = false;
		queue.enqueue('password_reset_mail', async () => {
			throw new Error('could not send https://ocore.test/reset-password?token=abcdefghijk');
		});
		queue.enqueue('next', async () => {
			ranAfter = true;
		});
		await queue.drain();
		expect(ranAfter).toBe(true);
		expect(lines).toHaveLength(1);
		expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'background job failed', job: 'password_reset_mail', error: 'Error' });
		expect(lines[0]).not.toContain('abcdefghijk');
	});

	it('in manual mode leaves jobs waiting until drained', async () => {
		const queue = createJobQueue({ autoStart: false });
		let ran = false;
		queue.enqueue('x', async () => {
			ran = true;
		});
		await new Promise((r) => setImmediate(r));
		expect([ran, queue.pending]).toEqual([false, 1]);
		await queue.drain();
		expect([ran, queue.pending]).toEqual([true, 0]);
	});
});
