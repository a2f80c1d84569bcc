/** Page actions that hit `reauthentication_required` send the browser to Confirm access and back. */
import { isRedirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/lib/server/errors';
import { redirectIfReauthenticationRequired } from '../../../src/lib/server/pages/reauth';

function thrown(fn: () => void): unknown {
	try {
		fn();
	} catch (err) {
		return err;
	}
	return undefined;
}

describe('redirectIfReauthenticationRequired', () => {
	const stale = new AppError('forbidden', 'Confirm it is you', { publicCode: 'reauthentication_required' });

	it('redirects to Confirm access with the way back, whether the service or the tRPC caller threw', () => {
		for (const err of [stale, new TRPCError({ code: 'FORBIDDEN', message: 'x', cause: stale })]) {
			const r = thrown(() => redirectIfReauthenticationRequired(err, '/settings/security/two-factor'));
			expect(isRedirect(r)).toBe(true);
			expect(r).toMatchObject({ status: 303, location: '/settings/security/confirm?redirectTo=%2Fsettings%2Fsecurity%2Ftwo-factor' });
		}
	});

	it('leaves every other error to the caller', () => {
		expect(thrown(() => redirectIfReauthenticationRequired(new AppError('forbidden', 'no'), '/x'))).toBeUndefined();
		expect(thrown(() => redirectIfReauthenticationRequired(new Error('boom'), '/x'))).toBeUndefined();
	});
});
