/**
 * Bounds how many warning lines a flood of refused requests can write. A refusal is worth one line
 * (an operator learns which address people use), not one line per request: anyone can send thousands,
 * each with a new Origin header.
 *
 * Policy: at most one line per key (e.g. the refused Origin) per window, and at most
 * `maxLinesPerWindow` lines per window in all. Whatever is held back is counted, and the next line
 * written reports the count, so the log stays honest about how many there were.
 */
export type LogThrottle = {
	/** null: stay quiet. A number: write the line, reporting this many held back since the last one. */
	take(key: string, nowMs: number): number | null;
};

export function createLogThrottle(options: { windowMs: number; maxLinesPerWindow: number }): LogThrottle {
	const lastLineAtByKey = new Map<string, number>();
	let windowStartMs = Number.NEGATIVE_INFINITY;
	let linesInWindow = 0;
	let heldBack = 0;
	return {
		take(key, nowMs) {
			if (nowMs - windowStartMs >= options.windowMs) {
				windowStartMs = nowMs;
				linesInWindow = 0;
				// Only keys logged in the current window matter, so the map never outgrows maxLinesPerWindow by much.
				for (const [k, at] of lastLineAtByKey) if (nowMs - at >= options.windowMs) lastLineAtByKey.delete(k);
			}
			const last = lastLineAtByKey.get(key);
			if ((last !== undefined && nowMs - last < options.windowMs) || linesInWindow >= options.maxLinesPerWindow) {
				heldBack++;
				return null;
			}
			lastLineAtByKey.set(key, nowMs);
			linesInWindow++;
			const reported = heldBack;
			heldBack = 0;
			return reported;
		}
	};
}
