/**
 * An org's gateway sessions as the dashboard's Sessions page reads them: every session the gateway
 * opened in the org (ssh, sftp, scp, ...), newest first, each with its totals and whether a recording
 * exists, and the asciicast file of one session for playback and download.
 *
 * Policy: the caller's view:audit_logs in the org is checked before these run (orgProcedure); every
 * query is scoped by org_id here as well, so a session or recording of another org is `not_found`,
 * exactly like an unknown id. The file path on the server never leaves this module, and a path that
 * does not lie under DATA_DIR/recordings is refused (the row is trusted for nothing but the lookup).
 * Cursors are (started_at, id) keysets: `cursor` pages to older sessions, `after` to newer ones,
 * so pages stay stable while sessions are opened.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../app-context';
import { gatewaySessions, sessionRecordings, users } from '../db/schema';
import { AppError } from '../errors';
import type { OrgSessionsInput } from './schemas';

export type OrgSessionView = {
	id: string;
	instanceSlug: string;
	userId: string;
	userEmail: string | null;
	userName: string | null;
	transport: 'ssh' | 'websocket';
	/** shell, exec, sftp, scp, rsync, subsystem */
	kind: string | null;
	command: string | null;
	clientIp: string | null;
	startedAt: Date;
	endedAt: Date | null;
	bytesIn: number;
	bytesOut: number;
	exitStatus: number | null;
	endReason: string | null;
	/** null: the session was not recorded (SESSION_RECORDING=off when it ran, or it was refused). */
	recording: { mode: 'metadata' | 'full'; hasFile: boolean; includesInput: boolean; sizeBytes: number } | null;
};

export type OrgSessionsPage = { items: OrgSessionView[]; nextCursor: string | null; prevCursor: string | null };

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Deps = Pick<AppContext, 'db'>;

const COLUMNS = {
	id: gatewaySessions.id,
	instanceSlug: gatewaySessions.instanceSlug,
	userId: gatewaySessions.userId,
	userEmail: users.email,
	userName: users.name,
	transport: gatewaySessions.transport,
	kind: gatewaySessions.kind,
	command: gatewaySessions.command,
	clientIp: gatewaySessions.clientIp,
	startedAt: gatewaySessions.startedAt,
	endedAt: gatewaySessions.endedAt,
	bytesIn: gatewaySessions.bytesIn,
	bytesOut: gatewaySessions.bytesOut,
	exitStatus: gatewaySessions.exitStatus,
	endReason: gatewaySessions.endReason,
	recordingMode: sessionRecordings.mode,
	recordingPath: sessionRecordings.path,
	recordingInput: sessionRecordings.includesInput,
	recordingSize: sessionRecordings.sizeBytes
};

type Row = { [K in keyof typeof COLUMNS]: (typeof COLUMNS)[K]['_']['data'] | null };

/** The sessions of the org with, when recorded, their recording: one query (recordings joined in the org too). */
function sessionsQuery(app: Deps, orgId: string, conditions: SQL[]) {
	return app.db
		.select(COLUMNS)
		.from(gatewaySessions)
		.leftJoin(sessionRecordings, and(eq(sessionRecordings.gatewaySessionId, gatewaySessions.id), eq(sessionRecordings.orgId, orgId)))
		.leftJoin(users, eq(users.id, gatewaySessions.userId))
		.where(and(eq(gatewaySessions.orgId, orgId), ...conditions));
}

function toView(row: Row): OrgSessionView {
	const { recordingMode, recordingPath, recordingInput, recordingSize, ...session } = row;
	return {
		...(session as Omit<OrgSessionView, 'recording'>),
		recording: recordingMode
			? { mode: recordingMode, hasFile: recordingPath !== null, includesInput: recordingInput ?? false, sizeBytes: recordingSize ?? 0 }
			: null
	};
}

function parseCursor(cursor: string): { at: Date; id: string } {
	const [ms, id] = cursor.split('.') as [string, string];
	return { at: new Date(Number(ms)), id };
}

const cursorOf = (s: OrgSessionView) => `${s.startedAt.getTime()}.${s.id}`;

export async function listOrgSessions(app: Deps, orgId: string, input: OrgSessionsInput): Promise<OrgSessionsPage> {
	const conditions: SQL[] = [];
	if (input.instance) conditions.push(eq(gatewaySessions.instanceSlug, input.instance));
	const boundary = input.after ?? input.cursor;
	if (boundary) {
		const { at, id } = parseCursor(boundary);
		conditions.push(
			input.after
				? sql`(${gatewaySessions.startedAt}, ${gatewaySessions.id}) > (${at.toISOString()}::timestamptz, ${id}::uuid)`
				: sql`(${gatewaySessions.startedAt}, ${gatewaySessions.id}) < (${at.toISOString()}::timestamptz, ${id}::uuid)`
		);
	}
	const order = input.after
		? [asc(gatewaySessions.startedAt), asc(gatewaySessions.id)]
		: [desc(gatewaySessions.startedAt), desc(gatewaySessions.id)];
	// One row more than the page: it tells whether another page lies that way without a count query.
	const rows = await sessionsQuery(app, orgId, conditions)
		.orderBy(...order)
		.limit(input.limit + 1);
	const more = rows.length > input.limit;
	const items = rows.slice(0, input.limit).map((r) => toView(r as Row));
	if (input.after) items.reverse();
	const newest = items[0];
	const oldest = items[items.length - 1];
	if (!newest || !oldest) return { items, nextCursor: null, prevCursor: null };
	// Reached by a cursor, the other way always holds at least the cursor's own session.
	const olderExists = input.after ? true : more;
	const newerExists = input.after ? more : input.cursor !== undefined;
	return { items, nextCursor: olderExists ? cursorOf(oldest) : null, prevCursor: newerExists ? cursorOf(newest) : null };
}

const sessionNotFound = () => new AppError('not_found', 'Session not found');

/** One session of the org, or `Session not found` (another org's session, or no such id). */
export async function getOrgSession(app: Deps, orgId: string, sessionId: string): Promise<OrgSessionView> {
	if (!UUID_PATTERN.test(sessionId)) throw sessionNotFound();
	const [row] = await sessionsQuery(app, orgId, [eq(gatewaySessions.id, sessionId)]).limit(1);
	if (!row) throw sessionNotFound();
	return toView(row as Row);
}

export type RecordingFile = { filename: string; sizeBytes: number; open(): ReadableStream<Uint8Array> };

/**
 * The asciicast file of one session of the org, for streaming: `Recording not found` when the session
 * is another org's, was recorded as metadata only, or its file is gone. The download is named
 * `<instance>-<session>.cast`.
 */
export async function orgRecordingFile(app: Pick<AppContext, 'db' | 'config'>, orgId: string, sessionId: string): Promise<RecordingFile> {
	const notFound = () => new AppError('not_found', 'Recording not found');
	if (!UUID_PATTERN.test(sessionId)) throw notFound();
	const [row] = await app.db
		.select({ path: sessionRecordings.path, instanceSlug: gatewaySessions.instanceSlug })
		.from(sessionRecordings)
		.innerJoin(gatewaySessions, eq(gatewaySessions.id, sessionRecordings.gatewaySessionId))
		.where(and(eq(sessionRecordings.gatewaySessionId, sessionId), eq(sessionRecordings.orgId, orgId), eq(gatewaySessions.orgId, orgId)))
		.limit(1);
	if (!row?.path) throw notFound();
	const root = path.resolve(app.config.dataDir, 'recordings') + path.sep;
	const file = path.resolve(row.path);
	if (!file.startsWith(root)) throw notFound();
	const info = await stat(file).catch(() => null);
	if (!info?.isFile()) throw notFound();
	const slug = row.instanceSlug.replace(/[^a-z0-9-]/gi, '') || 'instance';
	return {
		filename: `${slug}-${sessionId.toLowerCase()}.cast`,
		sizeBytes: info.size,
		// Node's adapter pulls from the file as the client reads, so memory stays bounded whatever the size;
		// exactly the bytes stat saw, so Content-Length holds while a live session's file still grows.
		open: () => Readable.toWeb(createReadStream(file, { start: 0, end: Math.max(info.size - 1, 0) })) as ReadableStream<Uint8Array>
	};
}
