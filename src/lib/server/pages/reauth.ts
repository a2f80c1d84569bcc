/**
 * Page actions and loads that change a sign-in factor need a recent proof of the user (auth/reauth).
 * When the service answers `reauthentication_required`, the page sends the browser to "Confirm access"
 * (/settings/security/confirm), which comes back to `back` once the user has proved it again.
 */
import { redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { isAppError } from '../errors';

export const CONFIRM_ACCESS_PATH = '/settings/security/confirm';

export function needsReauthentication(err: unknown): boolean {
	const appError = isAppError(err) ? err : err instanceof TRPCError && isAppError(err.cause) ? err.cause : null;
	return appError?.publicCode === 'reauthentication_required';
}

/** Redirects to "Confirm access" if that is what `err` asks for; otherwise returns and the caller maps the error. */
export function redirectIfReauthenticationRequired(err: unknown, back: string): void {
	if (needsReauthentication(err)) redirect(303, `${CONFIRM_ACCESS_PATH}?redirectTo=${encodeURIComponent(back)}`);
}
