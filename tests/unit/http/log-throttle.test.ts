/** A flood of refusals writes a bounded number of lines, and the next line says how many were held back. */
import { describe, expect, it } from 'vitest';
import { createLogThrottle } from '../../../src/lib/server/log-throttle';

const MINUTE_MS = 60_000;

describe('log throttle', () => {
	it('writes one line per key per window, and reports what it held back on the next line', () => {
		const throttle = createLogThrottle({ windowMs: MINUTE_MS, maxLinesPerWindow: 10 });
		expect(throttle.take('http://localhost:3000', 0)).toBe(0);
		expect(throttle.take('http://localhost:3000', 1_000)).toBeNull();
		expect(throttle.take('http://localhost:3000', 59_999)).toBeNull();
		// Another address is news: it gets its line at once, and carries the count held back so far.
		expect(throttle.take('http://192.0.2.10:3000', 60_000 - 1)).toBe(2);
		expect(throttle.take('http://localhost:3000', MINUTE_MS)).toBe(0);
	});

	it('writes at most maxLinesPerWindow lines in a window, however many keys a flood invents', () => {
		const throttle = createLogThrottle({ windowMs: MINUTE_MS, maxLinesPerWindow: 3 });
		const written = Array.from({ length: 1000 }, (_, i) => throttle.take(`https://evil-${i}.example`, i)).filter((r) => r !== null);
		expect(written).toEqual([0, 0, 0]);
		expect(throttle.take('https://evil-next.example', MINUTE_MS)).toBe(997);
	});
});
