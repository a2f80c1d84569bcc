/**
 * TOTP codes for tests against a server running on the real clock, computed with otplib (an
 * implementation independent of the server's). One step of drift is accepted on each side, so a
 * test may spend the codes of steps t-1, t and t+1 at once; `settledStep` first waits out the last
 * few seconds of a step so those three stay valid while the test runs.
 */
import { generate } from 'otplib';

export async function settledStep(marginSeconds = 8): Promise<void> {
	const into = (Date.now() / 1000) % 30;
	if (into > 30 - marginSeconds) await new Promise((r) => setTimeout(r, (30 - into + 0.2) * 1000));
}

/** The code of the step `offsetSteps` away from now. */
export function totpCode(secret: string, offsetSteps = 0): Promise<string> {
	return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });
}
