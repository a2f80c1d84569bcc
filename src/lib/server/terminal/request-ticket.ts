/**
 * Asking for a browser terminal: the checks a page can be told about in words before it opens the
 * WebSocket (a browser cannot read the HTTP answer of a refused upgrade), then a one-time ticket.
 *
 * Policy: only a signed-in browser session gets a ticket (the WebSocket door checks the same session's
 * cookie again); the caller holds view:instances in the instance's org (checked by the procedure and
 * again here by getInstance); the instance is running as Docker reports it now; the user is under the
 * per-user session limit. The gateway core re-checks all of it when the socket arrives, so these
 * checks only decide what the user is told first, never what they may do.
 */
import type { AppContext } from '../app-context';
import type { AuthState } from '../auth/types';
import { AppError } from '../errors';
import { countOpenSessions } from '../gateway-sessions/registry';
import { getInstance } from '../instances/service';
import { TERMINAL_PATH, type TerminalTicket } from '../../terminal/protocol';
import { issueTerminalTicket } from './tickets';

export async function requestTerminalTicket(app: AppContext, auth: AuthState, slug: string): Promise<TerminalTicket> {
	if (auth.session.kind !== 'browser') {
		throw new AppError('forbidden', 'A terminal opens from a signed-in browser; use ssh for scripts and API clients', { publicCode: 'browser_session_required' });
	}
	const instance = await getInstance(app, auth.user.id, slug);
	if (instance.status !== 'running') {
		const state = instance.status === 'provisioning' ? 'is not running yet' : 'is stopped';
		throw new AppError('conflict', `Instance ${instance.slug} ${state}: start it to open a terminal`, { publicCode: 'instance_not_running' });
	}
	const now = app.clock.now();
	const max = app.config.sshMaxSessionsPerUser;
	if ((await countOpenSessions(app.db, auth.user.id, now)) >= max) {
		throw new AppError('conflict', `Session limit reached: at most ${max} concurrent sessions per user. Close a terminal or an ssh session first.`, {
			publicCode: 'session_limit'
		});
	}
	const issued = await issueTerminalTicket(app, { userId: auth.user.id, sessionId: auth.session.id, instanceId: instance.id }, now);
	return { ticket: issued.ticket, expiresAt: issued.expiresAt.toISOString(), path: TERMINAL_PATH };
}
