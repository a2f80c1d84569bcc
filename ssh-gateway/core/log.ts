/**
 * The gateway's operator log: one structured line per refusal, start and end, with the stable code
 * (field `refusal`: the logger redacts any field named like `code`) and the operator reason (which the
 * client never sees). Key fingerprints are public identifiers; key
 * material, commands' output and environment values never reach the log.
 */
import { logger } from '../../src/lib/server/logger';
import type { Rejection } from './rejections';
import type { Grant, RecordedKind, SessionExit } from './types';

export type GatewayLog = {
	refused(context: Grant | { username: string; clientIp: string | null; transport: string }, rejection: Rejection): void;
	started(grant: Grant, sessionId: string, kind: RecordedKind, command: string | null): void;
	ended(grant: Grant, sessionId: string, exit: SessionExit, totals: { bytesIn: number; bytesOut: number }): void;
	info(msg: string, fields?: Record<string, unknown>): void;
	error(msg: string, fields?: Record<string, unknown>): void;
};

function who(context: Grant | { username: string; clientIp: string | null; transport: string }) {
	if ('grant' in context || 'instance' in context) {
		const g = context as Grant;
		return { user: g.user.email, instance: g.instance.slug, clientIp: g.clientIp, transport: g.transport };
	}
	return context;
}

export const gatewayLog: GatewayLog = {
	refused: (context, rejection) =>
		logger.info('gateway refused', { ...who(context), refusal: rejection.code, reason: rejection.operatorReason }),
	started: (grant, sessionId, kind, command) =>
		logger.info('gateway session started', { ...who(grant), sessionId, kind, command }),
	ended: (grant, sessionId, exit, totals) =>
		logger.info('gateway session ended', {
			...who(grant),
			sessionId,
			reason: exit.reason,
			exitStatus: exit.exitCode,
			exitSignal: exit.signal,
			bytesIn: totals.bytesIn,
			bytesOut: totals.bytesOut
		}),
	info: (msg, fields) => logger.info(msg, fields),
	error: (msg, fields) => logger.error(msg, fields)
};

/** For tests and benchmarks: nothing printed. */
export const silentGatewayLog: GatewayLog = {
	refused: () => {},
	started: () => {},
	ended: () => {},
	info: () => {},
	error: () => {}
};
