/**
 * The gateway core's vocabulary, shared by every front door (the SSH server in ssh-gateway/ssh and the
 * browser terminal in ssh-gateway/ws). Nothing here knows about SSH or WebSockets: a front door turns
 * its protocol into these requests and turns a ContainerSession back into its protocol.
 */
import type { Readable, Writable } from 'node:stream';
import type { DockerEndpoint, ExecSignal } from '../../src/lib/server/containers/container-backend';
import type { EndReason, RecordedKind, Transport } from '../../src/lib/server/gateway-sessions/types';
import type { GatewayInstance } from '../../src/lib/server/instances/gateway';
import type { Rejection } from './rejections';

export type { EndReason, GatewayInstance, RecordedKind, Transport };

/** What the client asked to run. `command` is the exec command line or the subsystem name. */
export type SessionKind = 'shell' | 'exec' | 'subsystem';

export type PtyRequest = { term: string; cols: number; rows: number };

export type SessionRequest = {
	kind: SessionKind;
	command?: string;
	pty?: PtyRequest;
	/** Already filtered by the channel policy (LANG, LC_*, TERM). */
	env: Record<string, string>;
};

/**
 * Who is knocking: a key (SSH door), or a user signed in to the web app (browser door), named with the
 * browser session that asked for the terminal, so ending that session ends the terminal.
 */
export type Credential = { kind: 'key'; fingerprint: string } | { kind: 'user'; userId: string; browserSessionId: string };

export type AuthorizeRequest = {
	credential: Credential;
	/** The SSH user name as sent (`ocore-<slug>` or `<slug>`); the prefix is stripped here. */
	username: string;
	clientIp: string | null;
	transport: Transport;
	/** The client's software banner (e.g. `SSH-2.0-OpenSSH_9.2p1`), recorded in the audit row. */
	clientSoftware?: string | null;
};

/** Everything needed to open container sessions for one authorized client. */
export type Grant = {
	user: { id: string; email: string };
	keyFingerprint: string | null;
	/** The browser session a terminal was opened from (browser door only). */
	browserSessionId: string | null;
	org: { id: string };
	instance: GatewayInstance;
	endpoint: DockerEndpoint;
	clientIp: string | null;
	transport: Transport;
	clientSoftware: string | null;
};

export type AuthorizeResult = { ok: true; grant: Grant } | Rejection;

export type SessionExit = {
	/** The process's exit status; null when it did not exit on its own (closed by the gateway). */
	exitCode: number | null;
	/** The signal name without SIG (TERM, KILL ...) when the process died of one. */
	signal?: string;
	reason: EndReason;
	/** A line for the user when the gateway ended the session (idle timeout, access revoked). */
	message?: string;
};

/**
 * One running process in the container, as the front doors see it: bytes in, bytes out, resize,
 * an exit promise and close. Byte counting, idle tracking and recording happen inside these streams,
 * so a front door only has to pipe them with backpressure.
 */
export interface ContainerSession {
	readonly id: string;
	readonly kind: RecordedKind;
	/** Bytes for the process's stdin; end() sends EOF. */
	readonly stdin: Writable;
	/** Output; with a pty the merged terminal output. */
	readonly stdout: Readable;
	/** Standard error; null with a pty. */
	readonly stderr: Readable | null;
	resize(cols: number, rows: number): void;
	/** Sends a signal to the process and what it started; delivery failures are logged, not thrown. */
	signal(name: ExecSignal): void;
	/** Settles once: the process exited (and its output was read), or the gateway closed the session. */
	readonly exit: Promise<SessionExit>;
	/** Ends the session now with this reason; the exit promise resolves with it and the message. */
	close(reason: EndReason, message?: string): void;
}

export type StartResult = { ok: true; session: ContainerSession } | Rejection;
