/**
 * Session recordings of the gateway: their rows (written by the gateway core through RecordingRows;
 * the asciicast files themselves are the core's, under DATA_DIR/recordings), and their listing per
 * instance, newest first.
 *
 * Policy: listing needs `view:audit_logs` in the instance's org (recordings show who did what on an
 * instance, like the audit log). An instance of another org, or an unknown slug, is `Instance not
 * found` for everyone, whatever their rights elsewhere. The file path on the server is not exposed;
 * `hasFile` says whether a full asciicast recording exists.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { gatewaySessions, instances, sessionRecordings, users } from '../db/schema';
import { AppError } from '../errors';
import { authorizeInOrg } from '../orgs/access';
import type { RecordingRows } from './types';

export function databaseRecordingRows(db: AppContext['db']): RecordingRows {
	return {
		async start(recording) {
			const [row] = await db.insert(sessionRecordings).values(recording).returning({ id: sessionRecordings.id });
			return row!.id;
		},
		async finish(recordingId, endedAt, sizeBytes) {
			await db.update(sessionRecordings).set({ endedAt, sizeBytes }).where(eq(sessionRecordings.id, recordingId));
		}
	};
}

export const DEFAULT_RECORDINGS_LIMIT = 100;

export type RecordingView = {
	id: string;
	sessionId: string;
	instanceSlug: string;
	userId: string;
	userEmail: string | null;
	mode: 'metadata' | 'full';
	includesInput: boolean;
	hasFile: boolean;
	sizeBytes: number;
	startedAt: Date;
	endedAt: Date | null;
	transport: 'ssh' | 'websocket';
	kind: string | null;
	command: string | null;
	clientIp: string | null;
	endReason: string | null;
	exitStatus: number | null;
};

type Deps = Pick<AppContext, 'db'>;

const instanceNotFound = () => new AppError('not_found', 'Instance not found');

/** The recordings of the instance `slug` of org `orgId` (the caller's access to the org is already checked). */
export async function listInstanceRecordings(app: Deps, orgId: string, slug: string, limit = DEFAULT_RECORDINGS_LIMIT): Promise<RecordingView[]> {
	const [instance] = await app.db
		.select({ id: instances.id, slug: instances.slug })
		.from(instances)
		.where(and(eq(instances.slug, slug), eq(instances.orgId, orgId)));
	if (!instance) throw instanceNotFound();
	const rows = await app.db
		.select({
			id: sessionRecordings.id,
			sessionId: sessionRecordings.gatewaySessionId,
			userId: sessionRecordings.userId,
			userEmail: users.email,
			mode: sessionRecordings.mode,
			includesInput: sessionRecordings.includesInput,
			path: sessionRecordings.path,
			sizeBytes: sessionRecordings.sizeBytes,
			startedAt: sessionRecordings.startedAt,
			endedAt: sessionRecordings.endedAt,
			transport: gatewaySessions.transport,
			kind: gatewaySessions.kind,
			command: gatewaySessions.command,
			clientIp: gatewaySessions.clientIp,
			endReason: gatewaySessions.endReason,
			exitStatus: gatewaySessions.exitStatus
		})
		.from(sessionRecordings)
		.innerJoin(gatewaySessions, eq(gatewaySessions.id, sessionRecordings.gatewaySessionId))
		.leftJoin(users, eq(users.id, sessionRecordings.userId))
		.where(and(eq(sessionRecordings.instanceId, instance.id), eq(sessionRecordings.orgId, orgId)))
		.orderBy(desc(sessionRecordings.startedAt), desc(sessionRecordings.id))
		.limit(limit);
	return rows.map(({ path, ...row }) => ({ ...row, instanceSlug: instance.slug, hasFile: path !== null }));
}

/** The same by slug alone: finds the instance's org, then checks membership and view:audit_logs. */
export async function listRecordingsForUser(app: Deps, userId: string, slug: string, limit?: number): Promise<RecordingView[]> {
	const [instance] = await app.db.select({ orgId: instances.orgId }).from(instances).where(eq(instances.slug, slug));
	if (!instance) throw instanceNotFound();
	await authorizeInOrg(app.db, { orgId: instance.orgId, userId, permission: 'view:audit_logs', notFoundMessage: instanceNotFound().message });
	return listInstanceRecordings(app, instance.orgId, slug, limit);
}
