/**
 * The gateway core: authorize -> open a container session -> limits -> audit -> record, shared by
 * every front door. It knows nothing of SSH or WebSockets. A front door calls connect() once per
 * client connection with the credential it verified, asks the connection for session channels,
 * pipes the sessions' streams, and ends its transport when the connection's onEnd fires.
 *
 * Background work (started by start(), stopped by stop()): a heartbeat of this process's open
 * gateway_sessions rows every ~5 s, and the revocation watcher every ~2 s, which closes the
 * connections of users whose key, browser session, membership or view:instances permission went away.
 */
import type { Clock } from '../../src/lib/server/clock';
import type { AppConfig } from '../../src/lib/server/config';
import type { ContainerBackend } from '../../src/lib/server/containers/container-backend';
import { sessionRefusedRow, type AuditSink } from '../../src/lib/server/gateway-sessions/audit';
import {
	HEARTBEAT_INTERVAL_SECONDS,
	type ConnectionStore,
	type GatewayDirectory,
	type RecordingRows,
	type SessionStore
} from '../../src/lib/server/gateway-sessions/types';
import { authorize, decide, lookUp } from './authorize';
import { classify } from './commands';
import { GatewayConnection } from './connection';
import { openContainerSession, type LiveSession } from './container-session';
import { gatewayLog, type GatewayLog } from './log';
import { rejections, type Rejection } from './rejections';
import type { AuthorizeRequest, AuthorizeResult, Grant, SessionRequest, StartResult } from './types';

export const REVOCATION_CHECK_INTERVAL_SECONDS = 2;
const SWEEP_EVERY_HEARTBEATS = 12;

/** Everything the core talks to, as interfaces (wired in ssh-gateway/start.ts). */
export type GatewayCoreDeps = {
	clock: Clock;
	config: AppConfig;
	backend: ContainerBackend;
	/** The session registry (gateway_sessions); its gatewayId names this process's rows. */
	sessions: SessionStore;
	/** The connection registry (gateway_connections), counted by the per-user connection cap. */
	connectionStore: ConnectionStore;
	recordingRows: RecordingRows;
	directory: GatewayDirectory;
	audit: AuditSink;
	log?: GatewayLog;
};

export type GatewayCore = ReturnType<typeof createGatewayCore>;

export function createGatewayCore(deps: GatewayCoreDeps) {
	const { clock, config, backend, sessions, connectionStore, directory, audit } = deps;
	const log = deps.log ?? gatewayLog;
	const connections = new Set<GatewayConnection>();
	const live = new Set<LiveSession>();
	const timers: NodeJS.Timeout[] = [];
	let revocationRunning = false;
	let heartbeats = 0;

	/** The connection-registry row each connection holds (granted or refused), released when it ends. */
	const heldRowOf = new WeakMap<GatewayConnection, string>();

	function releaseRow(id: string) {
		connectionStore.release(id).catch((err) => log.error('gateway connection release failed', { error: err instanceof Error ? err.message : String(err) }));
	}

	/**
	 * Writes that need not hold up a client (a key's last use): started, not awaited, and waited for by
	 * stop() so shutdown loses none of them.
	 */
	const background = new Set<Promise<void>>();
	function inBackground(what: string, work: Promise<unknown>) {
		const task = work.then(
			() => {},
			(err) => log.error(`gateway ${what} failed`, { error: err instanceof Error ? err.message : String(err) })
		);
		background.add(task);
		void task.finally(() => background.delete(task));
	}

	const authorizeDeps = {
		directory,
		usernamePrefix: config.sshUsernamePrefix,
		maxSessionsPerUser: config.sshMaxSessionsPerUser
	};
	const authorizeRequest = (request: AuthorizeRequest): Promise<AuthorizeResult> => authorize(authorizeDeps, request);

	function release(connection: GatewayConnection) {
		connections.delete(connection);
		const id = heldRowOf.get(connection);
		if (id) releaseRow(id);
	}

	const host = {
		idleTimeoutSeconds: config.sshIdleTimeoutSeconds,
		async refused(connection: GatewayConnection, rejection: Rejection, request: Pick<SessionRequest, 'kind' | 'command'>) {
			const { credential, clientIp, transport } = connection.request;
			log.refused({ username: connection.request.username, clientIp, transport }, rejection);
			if (!rejection.scope) return;
			const keyFingerprint = credential.kind === 'key' ? credential.fingerprint : null;
			const kind = classify({ ...request, env: {} });
			const command = request.command ?? null;
			const { user, org, instance } = rejection.scope;
			if (rejection.code === 'session_limit') {
				// A closed row with reason `limit`: the refusal shows in the instance's session history.
				await sessions.recordRefused(
					{ userId: user.id, orgId: org.id, instanceId: instance.id, instanceSlug: instance.slug, keyFingerprint, transport, clientIp, kind, command },
					'limit'
				);
			}
			const subject = { ...rejection.scope, keyFingerprint, clientIp, transport, clientSoftware: connection.request.clientSoftware ?? null };
			await audit.append(sessionRefusedRow(subject, rejection, { kind, command }), clock.now());
		},
		authorize: authorizeRequest,
		forget: release,
		openSession: (connection: GatewayConnection, grant: Grant, request: SessionRequest): Promise<StartResult> =>
			openContainerSession(
				{
					clock,
					backend,
					sessions,
					audit,
					log,
					recording: { rows: deps.recordingRows, dataDir: config.dataDir, mode: config.sessionRecording, includeInput: config.sessionRecordingInput },
					maxSessionsPerUser: config.sshMaxSessionsPerUser,
					sftpServerPath: config.sshSftpServerPath,
					onActivity: () => connection.touch(),
					onLive: (session) => {
						live.add(session);
						connection.track(session);
					},
					onGone: (session) => {
						live.delete(session);
						connection.untrack(session);
					}
				},
				grant,
				request
			)
	};

	/** The revocation watcher's tick: one query for all authorized connections of this process. */
	async function checkRevocations(): Promise<void> {
		const open = [...connections].filter((c) => c.grant && !c.isEnded);
		if (open.length === 0) return;
		const verdicts = await directory.stillAllowed(
			open.map((c) => {
				const g = c.grant!;
				return { sessionId: c.id, userId: g.user.id, orgId: g.org.id, instanceId: g.instance.id, keyFingerprint: g.keyFingerprint, browserSessionId: g.browserSessionId };
			})
		);
		for (const connection of open) {
			const why = verdicts.get(connection.id);
			if (!why) continue;
			log.refused(connection.grant!, { ok: false, code: 'access_revoked', userMessage: 'Access revoked', operatorReason: why });
			connection.revoke(why);
		}
	}

	function every(seconds: number, task: () => Promise<void>, name: string) {
		const timer = setInterval(() => {
			task().catch((err) => log.error(`gateway ${name} failed`, { error: err instanceof Error ? err.message : String(err) }));
		}, seconds * 1000);
		timer.unref();
		timers.push(timer);
	}

	return {
		gatewayId: sessions.gatewayId,
		sessions,
		directory,
		authorize: authorizeRequest,

		/**
		 * Authorizes a new client connection; a refused known user still gets a connection (to hear why).
		 * Every connection of a known user counts against SSH_MAX_CONNECTIONS_PER_USER until it closes,
		 * granted or refused, so nothing a user holds is unbounded.
		 */
		async connect(request: AuthorizeRequest): Promise<GatewayConnection> {
			const facts = await lookUp(authorizeDeps, request);
			if ('ok' in facts) {
				if (facts.code === 'unknown_key') log.refused({ username: request.username, clientIp: request.clientIp, transport: request.transport }, facts);
				return new GatewayConnection(host, request, facts);
			}
			const { owner } = facts;
			// Held before anything is decided, under the user's lock in the registry, so concurrent
			// handshakes of one user, in this process or another, cannot overshoot the cap.
			const hold = await connectionStore.hold({ userId: owner.userId, transport: request.transport, clientIp: request.clientIp }, config.sshMaxConnectionsPerUser);
			// The key's last use is bookkeeping, not a condition of access: written off the critical path.
			if (request.credential.kind === 'key') inBackground('key last-used update', directory.touchKey(request.credential.fingerprint, clock.now()));
			const result: AuthorizeResult = hold.ok ? decide(authorizeDeps, facts, request) : rejections.connectionLimit(config.sshMaxConnectionsPerUser, hold.held);
			if (!result.ok && result.code === 'connection_limit') log.refused({ username: request.username, clientIp: request.clientIp, transport: request.transport }, result);
			const connection = new GatewayConnection(host, request, result);
			if (hold.ok) heldRowOf.set(connection, hold.id);
			if (result.ok) connections.add(connection);
			return connection;
		},

		/** Authenticated connections the user holds, across every gateway process. */
		connectionsHeldBy(userId: string): Promise<number> {
			return connectionStore.countHeld(userId);
		},

		get liveSessionCount() {
			return live.size;
		},

		start(): void {
			every(HEARTBEAT_INTERVAL_SECONDS, async () => {
				await Promise.all([sessions.heartbeat(), connectionStore.heartbeat()]);
				if (++heartbeats % SWEEP_EVERY_HEARTBEATS === 1) await Promise.all([sessions.sweepAbandoned(), connectionStore.sweepAbandoned()]);
			}, 'heartbeat');
			every(REVOCATION_CHECK_INTERVAL_SECONDS, async () => {
				if (revocationRunning) return;
				revocationRunning = true;
				try {
					await checkRevocations();
				} finally {
					revocationRunning = false;
				}
			}, 'revocation check');
		},

		checkRevocations,

		/** Closes every connection (reason `error`: the gateway is going away) and waits for their rows. */
		async stop(): Promise<void> {
			for (const timer of timers.splice(0)) clearInterval(timer);
			const sessions = [...live];
			for (const connection of [...connections]) connection.close('error', 'The gateway is shutting down');
			for (const session of sessions) session.close('error', 'The gateway is shutting down');
			await Promise.all(sessions.map((s) => s.finished));
			await Promise.all([...background]);
		}
	};
}
