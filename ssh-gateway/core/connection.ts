/**
 * One client connection (an SSH connection, or one browser terminal), authorized once when it
 * arrives. It owns the idle timer shared by all its sessions and the list of its live sessions.
 *
 * Policy: every new session re-runs the authorization (a long-lived connection does not keep
 * rights it lost), and the revocation watcher re-checks open connections every ~2 s. The connection
 * ends (its front door is told through onEnd) on the idle timeout, on revocation, and on close().
 */
import { randomUUID } from 'node:crypto';
import { ContainerChannel, refusedChannel, withChannelPolicy, type SessionChannel } from './channel';
import type { LiveSession } from './container-session';
import { ACCESS_REVOKED_MESSAGE, idleTimeoutMessage, rejections, type Rejection } from './rejections';
import { IdleTimer } from './idle';
import type { AuthorizeRequest, AuthorizeResult, EndReason, Grant, SessionRequest, StartResult } from './types';

export type ConnectionHost = {
	idleTimeoutSeconds: number;
	authorize(request: AuthorizeRequest): Promise<AuthorizeResult>;
	openSession(connection: GatewayConnection, grant: Grant, request: SessionRequest): Promise<StartResult>;
	/** A refusal delivered to a session request (audited in the org when the user is a member). */
	refused(connection: GatewayConnection, rejection: Rejection, request: Pick<SessionRequest, 'kind' | 'command'>): Promise<void>;
	forget(connection: GatewayConnection): void;
};

export type ConnectionEnd = { reason: EndReason; message?: string };

export class GatewayConnection {
	readonly id = randomUUID();
	private readonly sessions = new Set<LiveSession>();
	private readonly endListeners: Array<(end: ConnectionEnd) => void> = [];
	private readonly idle: IdleTimer;
	private ended: ConnectionEnd | undefined;

	constructor(
		private readonly host: ConnectionHost,
		readonly request: AuthorizeRequest,
		private readonly initial: AuthorizeResult
	) {
		this.idle = new IdleTimer(host.idleTimeoutSeconds, () =>
			this.close('idle_timeout', idleTimeoutMessage(host.idleTimeoutSeconds))
		);
	}

	/** The refusal of a known user (shown on their first session), or null when access was granted. */
	get rejection(): Rejection | null {
		return this.initial.ok ? null : this.initial;
	}

	get grant(): Grant | null {
		return this.initial.ok ? this.initial.grant : null;
	}

	get isEnded(): boolean {
		return this.ended !== undefined;
	}

	get liveSessionCount(): number {
		return this.sessions.size;
	}

	/** A new session channel, policy applied. */
	channel(): SessionChannel {
		const rejection = this.rejection;
		if (rejection) return refusedChannel(rejection, (request) => this.host.refused(this, rejection, request));
		return withChannelPolicy(new ContainerChannel((request) => this.openSession(request)));
	}

	/** Any bytes on any channel of this connection. */
	touch(): void {
		this.idle.touch();
	}

	onEnd(listener: (end: ConnectionEnd) => void): void {
		if (this.ended) listener(this.ended);
		else this.endListeners.push(listener);
	}

	track(session: LiveSession): void {
		this.sessions.add(session);
	}

	untrack(session: LiveSession): void {
		this.sessions.delete(session);
	}

	private async openSession(request: SessionRequest): Promise<StartResult> {
		const result = await this.tryOpenSession(request);
		if (!result.ok) await this.host.refused(this, result, request).catch(() => {});
		return result;
	}

	private async tryOpenSession(request: SessionRequest): Promise<StartResult> {
		if (this.ended) return rejections.accessRevoked('the connection is closing');
		const fresh = await this.host.authorize(this.request);
		// A key deleted since the connection was made: that is a revocation, not a stranger.
		if (!fresh.ok) return fresh.code === 'unknown_key' ? rejections.accessRevoked('the key was removed') : fresh;
		if (this.ended) return rejections.accessRevoked('the connection is closing');
		return this.host.openSession(this, fresh.grant, request);
	}

	/** Ends every session of this connection with the reason, then tells the front door. */
	close(reason: EndReason, message?: string): void {
		if (this.ended) return;
		this.ended = message === undefined ? { reason } : { reason, message };
		this.idle.stop();
		for (const session of [...this.sessions]) session.close(reason, message);
		this.host.forget(this);
		const end = this.ended;
		// After the sessions' exit handlers (promise callbacks) have run, so their messages go out first.
		setImmediate(() => {
			for (const listener of this.endListeners.splice(0)) listener(end);
		});
	}

	revoke(why: string): void {
		void why;
		this.close('revoked', ACCESS_REVOKED_MESSAGE);
	}
}
