/**
 * A small in-process queue for work that must not run on the request path: work whose duration or
 * failure would tell the caller something (whether an email has an account), or that the caller
 * should not wait for (mail delivery).
 *
 * Policy: jobs run one at a time, in order, starting after the current request has been answered
 * (setImmediate). A failing job is logged by its label and error name only, never its arguments or
 * message, which may hold a token or an address. At most MAX_PENDING jobs wait; beyond that new ones
 * are dropped with a warning, so a flood cannot exhaust memory (the per-address limits in front of
 * every enqueuing endpoint keep that from happening in practice). Jobs live in memory: a crash loses
 * the waiting ones, and the user asks again.
 */
import { logger } from '../logger';

const MAX_PENDING = 1000;

export type JobQueue = {
	enqueue(label: string, job: () => Promise<void>): void;
	/** Runs (in manual mode) or waits for every job enqueued so far, including ones they enqueue. */
	drain(): Promise<void>;
	readonly pending: number;
};

/** `autoStart: false` leaves jobs waiting until drain(), so a test can see what a request left behind. */
export function createJobQueue(options: { autoStart?: boolean } = {}): JobQueue {
	const autoStart = options.autoStart ?? true;
	const waiting: { label: string; job: () => Promise<void> }[] = [];
	let running: Promise<void> | null = null;

	async function runAll() {
		for (let next = waiting.shift(); next; next = waiting.shift()) {
			try {
				await next.job();
			} catch (err) {
				logger.error('background job failed', { job: next.label, error: err instanceof Error ? err.name : typeof err });
			}
		}
	}

	function start(): Promise<void> {
		running ??= runAll().finally(() => {
			running = null;
		});
		return running;
	}

	return {
		enqueue(label, job) {
			if (waiting.length >= MAX_PENDING) {
				logger.warn('background job dropped: queue full', { job: label });
				return;
			}
			waiting.push({ label, job });
			if (autoStart && !running) setImmediate(start);
		},
		async drain() {
			while (waiting.length > 0 || running) await start();
		},
		get pending() {
			return waiting.length;
		}
	};
}
