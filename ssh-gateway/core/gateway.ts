/**
 * The gateway core: authorize -> open a container session -> limits -> audit -> record, shared by
 * every front door. It knows nothing of SSH or WebSockets. A front door calls connect() once per
 * client connection with the credential it verified, asks the connection for session channels,
 * pipes the sessions' streams, and ends its transport when the connection's onEnd fires.
 *
 * Background work (started by start(), stopped by stop()): a heartbeat of this process's open
 * gateway_sessions rows every ~5 s, and the revocation watcher every ~2 s, which closes the
 * connections of users whose key, membership or view:instances permission went away.
 */
import type { Clock } from '../../src/lib/server/clock';
import type { AppConfig } from '../../src/lib/server/config';
import type { ContainerBackend } from '../../src/lib/server/containers/container-backend';
import { sessionRefusedRow, type AuditSink } from '../../src/lib/server/gateway-sessions/audit';
import {
	HEARTBEAT_INTERVAL_SECONDS,
	type GatewayDirectory,
	type RecordingRows,
	type SessionStore
} from '../../src/lib/server/gateway-sessions/types';
import { authorize, authorizeOwner, identify } from './authorize';
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
	recordingRows: RecordingRows;
	directory: GatewayDirectory;
	audit: AuditSink;
	log?: GatewayLog;
};

export type GatewayCore = ReturnType<typeof createGatewayCore>;

export function createGatewayCore(deps: GatewayCoreDeps) {
	const { clock, config, backend, sessions, directory, audit } = deps;
	const log = deps.log ?? gatewayLog;
	const connections = new Set<GatewayConnection>();
	const live = new Set<LiveSession>();
	const timers: NodeJS.Timeout[] = [];
	let revocationRunning = false;
	let heartbeats = 0;

	/**
	 * Per user, a slot per connection they hold (granted or refused), in this process. A slot is taken
	 * before the first await of connect(), so concurrent handshakes of one user cannot overshoot.
	 */
	const heldBy = new Map<string, Set<object>>();
	const slotOf = new WeakMap<GatewayConnection, { userId: string; slot: object }>();

	function freeSlot(userId: string, slot: object) {
		const held = heldBy.get(userId);
		held?.delete(slot);
		if (held?.size === 0) heldBy.delete(userId);
	}

	const authorizeDeps = {
		directory,
		usernamePrefix: config.sshUsernamePrefix,
		maxSessionsPerUser: config.sshMaxSessionsPerUser,
		countOpenSessions: (userId: string) => sessions.countOpen(userId)
	};
	const authorizeRequest = (request: AuthorizeRequest): Promise<AuthorizeResult> => authorize(authorizeDeps, request);

	function release(connection: GatewayConnection) {
		connections.delete(connection);
		const held = slotOf.get(connection);
		if (held) freeSlot(held.userId, held.slot);
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
				return { sessionId: c.id, userId: g.user.id, orgId: g.org.id, instanceId: g.instance.id, keyFingerprint: g.keyFingerprint };
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
			const owner = await identify({ directory }, request.credential);
			if ('ok' in owner) {
				if (owner.code === 'unknown_key') log.refused({ username: request.username, clientIp: request.clientIp, transport: request.transport }, owner);
				return new GatewayConnection(host, request, owner);
			}
			const held = heldBy.get(owner.userId) ?? new Set<object>();
			heldBy.set(owner.userId, held);
			const alreadyHeld = held.size;
			const slot = {};
			held.add(slot);
			let result: AuthorizeResult;
			try {
				if (request.credential.kind === 'key') await directory.touchKey(request.credential.fingerprint, clock.now());
				result =
					alreadyHeld >= config.sshMaxConnectionsPerUser
						? rejections.connectionLimit(config.sshMaxConnectionsPerUser, alreadyHeld)
						: await authorizeOwner(authorizeDeps, owner, request);
			} catch (err) {
				freeSlot(owner.userId, slot);
				throw err;
			}
			if (!result.ok && result.code === 'connection_limit') log.refused({ username: request.username, clientIp: request.clientIp, transport: request.transport }, result);
			const connection = new GatewayConnection(host, request, result);
			slotOf.set(connection, { userId: owner.userId, slot });
			if (result.ok) connections.add(connection);
			return connection;
		},

		/** Authenticated connections the user holds on this process. */
		connectionsHeldBy(userId: string): number {
			return heldBy.get(userId)?.size ?? 0;
		},

		get liveSessionCount() {
			return live.size;
		},

		start(): void {
			every(HEARTBEAT_INTERVAL_SECONDS, async () => {
				await sessions.heartbeat();
				if (++heartbeats % SWEEP_EVERY_HEARTBEATS === 1) await sessions.sweepAbandoned();
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
		}
	};
}
