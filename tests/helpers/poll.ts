/**
 * Waiting in tests: poll a probe until it yields a value, instead of sleeping a fixed time and hoping.
 * A fixed sleep is either too short on a loaded machine (flaky) or too long everywhere (slow).
 */
export async function waitFor<T>(probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 20_000, intervalMs = 250): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}
