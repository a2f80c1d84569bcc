/**
 * The gateway's rows in the org's audit chain: session started, session ended, and refusals of a
 * known user in an org they belong to (an outsider's attempt names no org, so it goes to the log only).
 * Metadata carries the key fingerprint, never key material; the command line is what the client sent.
 * The entries are built here, once, for the gateway core (which appends them through an AuditSink)
 * and for the sweep of abandoned sessions (registry.ts), which appends in its own transaction. Pure:
 * no database here, so the core may import it.
 */
import type { AuditEntry } from '../audit/append';
import type { EndReason, RecordedKind, Transport } from './types';

/** Who did what where: the gateway core's Grant satisfies it. */
export type SessionAuditSubject = {
	user: { id: string; email: string };
	keyFingerprint: string | null;
	clientIp: string | null;
	transport: Transport;
	clientSoftware: string | null;
	org: { id: string };
	instance: { id: string; slug: string };
};

/** One row for one org's chain. */
export type OrgAuditRow = { orgId: string; entry: Omit<AuditEntry, 'orgId'> };

export type SessionEndFacts = { exitCode: number | null; signal?: string; reason: EndReason };

/** Where the gateway core's audit rows go (wired to the org's audit chain in gateway-services.ts). */
export interface AuditSink {
	append(row: OrgAuditRow, now: Date): Promise<void>;
}

function prefix(subject: SessionAuditSubject): string {
	return subject.transport === 'ssh' ? 'ssh' : 'terminal';
}

/** The transport as audit rows name it: `ssh`, or `web` for the browser terminal (stored as `websocket`). */
function auditTransport(subject: SessionAuditSubject): 'ssh' | 'web' {
	return subject.transport === 'ssh' ? 'ssh' : 'web';
}

function row(subject: SessionAuditSubject, action: string, metadata: Record<string, unknown>): OrgAuditRow {
	return {
		orgId: subject.org.id,
		entry: {
			actor: { userId: subject.user.id, email: subject.user.email },
			targetType: 'instance',
			targetId: subject.instance.id,
			ipAddress: subject.clientIp,
			userAgent: subject.clientSoftware,
			action: `${prefix(subject)}.${action}`,
			metadata
		}
	};
}

export function sessionStartedRow(subject: SessionAuditSubject, session: { id: string; kind: RecordedKind; command: string | null; pty: boolean }) {
	return row(subject, 'session_started', {
		sessionId: session.id,
		instanceSlug: subject.instance.slug,
		keyFingerprint: subject.keyFingerprint,
		clientIp: subject.clientIp,
		transport: auditTransport(subject),
		kind: session.kind,
		command: session.command,
		pty: session.pty
	});
}

/** `endedAt` is when the session is known to have ended (for an abandoned one, its last heartbeat). */
export function sessionEndedRow(
	subject: SessionAuditSubject,
	session: { id: string; kind: RecordedKind | null; startedAt: Date; bytesIn: number; bytesOut: number },
	exit: SessionEndFacts,
	endedAt: Date
) {
	return row(subject, 'session_ended', {
		sessionId: session.id,
		instanceSlug: subject.instance.slug,
		keyFingerprint: subject.keyFingerprint,
		kind: session.kind,
		durationSeconds: Math.max(0, Math.round((endedAt.getTime() - session.startedAt.getTime()) / 100) / 10),
		bytesIn: session.bytesIn,
		bytesOut: session.bytesOut,
		exitStatus: exit.exitCode,
		exitSignal: exit.signal ?? null,
		reason: exit.reason
	});
}

export function sessionRefusedRow(
	subject: SessionAuditSubject,
	refusal: { code: string; operatorReason: string },
	request: { kind: RecordedKind; command: string | null }
) {
	return row(subject, 'session_refused', {
		instanceSlug: subject.instance.slug,
		keyFingerprint: subject.keyFingerprint,
		clientIp: subject.clientIp,
		transport: auditTransport(subject),
		kind: request.kind,
		command: request.command,
		code: refusal.code,
		reason: refusal.operatorReason
	});
}
