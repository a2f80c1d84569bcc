/**
 * The gateway's rows in the org's audit chain: session started, session ended, and refusals of a
 * known user in an org they belong to (an outsider's attempt names no org, so it goes to the log only).
 * Metadata carries the key fingerprint, never key material; the command line is what the client sent.
 */
import { appendOrgAudit } from '../../src/lib/server/audit/append';
import type { Database } from '../../src/lib/server/db/client';
import type { Rejection } from './rejections';
import type { EndReason, Grant, RecordedKind, SessionExit } from './types';

/** Who did what where: a Grant, or the facts of a refused member (no endpoint). */
export type AuditSubject = Pick<Grant, 'user' | 'keyFingerprint' | 'clientIp' | 'transport' | 'clientSoftware'> & {
	org: { id: string };
	instance: { id: string; slug: string };
};

function prefix(grant: AuditSubject): string {
	return grant.transport === 'ssh' ? 'ssh' : 'terminal';
}

function common(grant: AuditSubject) {
	return {
		actor: { userId: grant.user.id, email: grant.user.email },
		targetType: 'instance',
		targetId: grant.instance.id,
		ipAddress: grant.clientIp,
		userAgent: grant.clientSoftware
	};
}

export async function auditSessionStarted(
	db: Database,
	grant: Grant,
	session: { id: string; kind: RecordedKind; command: string | null; pty: boolean },
	now: Date
) {
	await appendOrgAudit(
		db,
		grant.org.id,
		{
			...common(grant),
			action: `${prefix(grant)}.session_started`,
			metadata: {
				sessionId: session.id,
				instanceSlug: grant.instance.slug,
				keyFingerprint: grant.keyFingerprint,
				clientIp: grant.clientIp,
				transport: grant.transport,
				kind: session.kind,
				command: session.command,
				pty: session.pty
			}
		},
		now
	);
}

export async function auditSessionEnded(
	db: Database,
	grant: Grant,
	session: { id: string; kind: RecordedKind; startedAt: Date; bytesIn: number; bytesOut: number },
	exit: SessionExit,
	now: Date
) {
	await appendOrgAudit(
		db,
		grant.org.id,
		{
			...common(grant),
			action: `${prefix(grant)}.session_ended`,
			metadata: {
				sessionId: session.id,
				instanceSlug: grant.instance.slug,
				keyFingerprint: grant.keyFingerprint,
				kind: session.kind,
				durationSeconds: Math.max(0, Math.round((now.getTime() - session.startedAt.getTime()) / 100) / 10),
				bytesIn: session.bytesIn,
				bytesOut: session.bytesOut,
				exitStatus: exit.exitCode,
				exitSignal: exit.signal ?? null,
				reason: exit.reason satisfies EndReason
			}
		},
		now
	);
}

export async function auditSessionRefused(
	db: Database,
	grant: AuditSubject,
	rejection: Rejection,
	request: { kind: RecordedKind; command: string | null },
	now: Date
) {
	await appendOrgAudit(
		db,
		grant.org.id,
		{
			...common(grant),
			action: `${prefix(grant)}.session_refused`,
			metadata: {
				instanceSlug: grant.instance.slug,
				keyFingerprint: grant.keyFingerprint,
				clientIp: grant.clientIp,
				transport: grant.transport,
				kind: request.kind,
				command: request.command,
				code: rejection.code,
				reason: rejection.operatorReason
			}
		},
		now
	);
}
