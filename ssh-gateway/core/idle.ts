/**
 * The idle timeout of one client connection: no bytes in either direction on any of its sessions for
 * `timeoutSeconds` fires `onIdle` once. touch() is called for every chunk, so it only stores a time;
 * the one timer re-arms itself for the remaining time instead of being reset on each chunk.
 */
export class IdleTimer {
	private last = performance.now();
	private timer: NodeJS.Timeout | undefined;
	private stopped = false;

	constructor(
		private readonly timeoutSeconds: number,
		private readonly onIdle: () => void
	) {
		this.arm(timeoutSeconds * 1000);
	}

	touch(): void {
		this.last = performance.now();
	}

	stop(): void {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
	}

	private arm(delayMs: number): void {
		if (this.stopped) return;
		this.timer = setTimeout(() => this.check(), Math.max(10, delayMs));
		this.timer.unref();
	}

	private check(): void {
		const idleMs = performance.now() - this.last;
		const timeoutMs = this.timeoutSeconds * 1000;
		if (idleMs >= timeoutMs) {
			this.stopped = true;
			this.onIdle();
		} else {
			this.arm(timeoutMs - idleMs);
		}
	}
}
