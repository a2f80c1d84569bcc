/**
 * The vocabulary of the gateway's tables (gateway_sessions, session_recordings), and the interfaces
 * through which the gateway core (ssh-gateway/core) reaches them and the directory: defined once
 * here, implemented in this folder, wired in ssh-gateway/start.ts. No database here: the core may
 * import it.
 */
import type { DockerEndpoint } from '../containers/container-backend';
import type { GatewayInstance } from '../instances/gateway';

/** Every gateway process marks its open rows alive this often; the registry's staleness rules build on it. */
export const HEARTBEAT_INTERVAL_SECONDS = 5;

export type Transport = 'ssh' | 'websocket';

/**
 * How a session ended: the end_reason column and the session_ended audit row. `abandoned`: the
 * gateway process holding it stopped heartbeating (a crash), and another process's sweep closed it.
 */
export type EndReason = 'closed' | 'idle_timeout' | 'revoked' | 'limit' | 'error' | 'abandoned';

/** The finer kind stored on gateway_sessions: file transfers are told apart from interactive use. */
export type RecordedKind = 'shell' | 'exec' | 'sftp' | 'scp' | 'rsync' | 'subsystem';

export type NewSession = {
	userId: string;
	orgId: string;
	instanceId: string;
	instanceSlug: string;
	keyFingerprint: string | null;
	transport: Transport;
	clientIp: string | null;
	kind: RecordedKind;
	command: string | null;
};

export type SessionTotals = { bytesIn: number; bytesOut: number; exitStatus: number | null; endReason: EndReason };

export type OpenResult = { ok: true; id: string; startedAt: Date } | { ok: false; open: number };

export type NewRecording = {
	gatewaySessionId: string;
	orgId: string;
	instanceId: string;
	userId: string;
	mode: 'metadata' | 'full';
	includesInput: boolean;
	path: string | null;
	startedAt: Date;
};

/** What the gateway core needs of the registry (its SessionStore port). */
export interface SessionStore {
	readonly gatewayId: string;
	countOpen(userId: string): Promise<number>;
	tryOpen(session: NewSession, maxPerUser: number): Promise<OpenResult>;
	recordRefused(session: NewSession, endReason: EndReason): Promise<void>;
	/** wasOpen false: a sweep had closed the row already (and written its session_ended audit row). */
	close(id: string, totals: SessionTotals): Promise<{ endedAt: Date; wasOpen: boolean }>;
	heartbeat(): Promise<void>;
	sweepAbandoned(): Promise<number>;
}

/** An authenticated connection, as the connection cap counts it. */
export type HeldConnection = { userId: string; transport: Transport; clientIp: string | null };

export type HoldResult = { ok: true; id: string } | { ok: false; held: number };

/** What the gateway core needs of the connection registry (its ConnectionStore port). */
export interface ConnectionStore {
	/** Holds a connection of the user, or refuses with how many they hold when at the cap. */
	hold(connection: HeldConnection, maxPerUser: number): Promise<HoldResult>;
	release(id: string): Promise<void>;
	countHeld(userId: string): Promise<number>;
	heartbeat(): Promise<void>;
	sweepAbandoned(): Promise<number>;
}

/** The recording rows the gateway core writes: one when a recorded session starts, its size at the end. */
export interface RecordingRows {
	start(recording: NewRecording): Promise<string>;
	finish(recordingId: string, endedAt: Date, sizeBytes: number): Promise<void>;
}

export type KeyOwner = { userId: string; email: string };

/** mfa_required: the org requires 2FA and the user has none; `message` is the line to show them. */
export type InstanceAccess =
	| { verdict: 'allowed' }
	| { verdict: 'not_member' }
	| { verdict: 'forbidden' }
	| { verdict: 'mfa_required'; message: string };

/** Who asks: the holder of a key (SSH door), or a signed-in user (browser door). */
export type OwnerRef = { kind: 'key'; fingerprint: string } | { kind: 'user'; userId: string };

/** What one authorization is decided on, read together (see GatewayDirectory.lookup). */
export type AccessFacts = {
	owner: KeyOwner;
	/** The instance of the first candidate slug that exists; null when none does (or it cannot be bound). */
	located: LocatedInstance | null;
	/** The one access rule's verdict (orgs/access.ts) on view:instances in that instance's org. */
	access: InstanceAccess;
	/** The owner's open sessions across every gateway process. */
	openSessions: number;
};

export interface GatewayDirectory {
	findKeyOwner(fingerprint: string): Promise<KeyOwner | null>;
	touchKey(fingerprint: string, now: Date): Promise<void>;
	findInstanceBySlug(slug: string): Promise<LocatedInstance | null>;
	/**
	 * Everything an authorization needs, in one query: the owner of the credential, the first of
	 * `slugs` (most likely first) that names an instance, the access verdict in its org and the
	 * owner's open sessions. null: nobody holds the credential.
	 */
	lookup(owner: OwnerRef, slugs: readonly string[]): Promise<AccessFacts | null>;
	/** One query for many sessions: which still hold key (or browser session), membership, permission and instance. */
	stillAllowed(sessions: readonly AccessCheck[]): Promise<Map<string, string | null>>;
}

/** An instance and how to reach its engine (secrets are opened only when endpoint() is called). */
export type LocatedInstance = { instance: GatewayInstance; endpoint(): DockerEndpoint };

/** One open session's access facts, re-checked by the revocation watcher. */
export type AccessCheck = {
	sessionId: string;
	userId: string;
	orgId: string;
	instanceId: string;
	keyFingerprint: string | null;
	/** A browser terminal's web session: signing out or revoking it ends the terminal. */
	browserSessionId: string | null;
};
