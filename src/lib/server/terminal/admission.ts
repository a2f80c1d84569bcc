/**
 * The WebSocket door's admission of a browser terminal (ssh-gateway/ws calls this before upgrading).
 *
 * Policy: the request must carry the browser session cookie of a live session (the cookie travels
 * with the upgrade because the page is same-origin; the door has checked Origin already), and a
 * ticket issued to that very session and user, redeemed here once. The answer names the instance by
 * slug; whether the user may still reach it is the gateway core's authorization, asked next.
 * Refusals carry an HTTP status and a sentence for the person, never which check failed in detail.
 */
import { eq } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { validateBrowserToken } from '../auth/session-store';
import { instances } from '../db/schema';
import { redeemTerminalTicket } from './tickets';

export type TerminalAdmission =
	| { ok: true; userId: string; browserSessionId: string; instanceSlug: string }
	| { ok: false; status: 401 | 404; error: string; message: string };

const REFUSED = {
	signedOut: { ok: false, status: 401, error: 'unauthorized', message: 'Your session has ended: sign in again to open a terminal' },
	invalid: { ok: false, status: 401, error: 'invalid_ticket', message: 'This terminal link is not valid: open the terminal again from the instance page' },
	expired: { ok: false, status: 401, error: 'ticket_expired', message: 'This terminal link has expired: open the terminal again' },
	used: { ok: false, status: 401, error: 'ticket_used', message: 'This terminal link was already used: open the terminal again' },
	gone: { ok: false, status: 404, error: 'not_found', message: 'Instance not found' }
} as const satisfies Record<string, TerminalAdmission>;

export async function admitTerminal(app: AppContext, request: { ticket: string | null; cookieToken: string | null }): Promise<TerminalAdmission> {
	const now = app.clock.now();
	const session = request.cookieToken ? await validateBrowserToken(app, request.cookieToken, now) : null;
	if (!session) return REFUSED.signedOut;
	if (!request.ticket) return REFUSED.invalid;
	const redeemed = await redeemTerminalTicket(app, request.ticket, now);
	if (!redeemed.ok) return REFUSED[redeemed.reason];
	// Issued to another browser session (a ticket carried to another browser): worthless here.
	if (redeemed.sessionId !== session.id || redeemed.userId !== session.userId) return REFUSED.invalid;
	const [instance] = await app.db.select({ slug: instances.slug }).from(instances).where(eq(instances.id, redeemed.instanceId));
	if (!instance) return REFUSED.gone;
	return { ok: true, userId: session.userId, browserSessionId: session.id, instanceSlug: instance.slug };
}
