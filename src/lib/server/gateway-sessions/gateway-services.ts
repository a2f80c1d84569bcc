/**
 * The services the gateway core is wired to (ssh-gateway/start.ts): the session and connection registries, the
 * recording rows, the directory and the audit sink, all over the app's database. The core sees them
 * only through the interfaces in types.ts and audit.ts.
 */
import { appendOrgAudit } from '../audit/append';
import type { InstanceDeps } from '../instances/status';
import type { AuditSink } from './audit';
import { ConnectionRegistry } from './connections';
import { databaseDirectory } from './directory';
import { databaseRecordingRows } from './recordings';
import { SessionRegistry } from './registry';
import type { ConnectionStore, GatewayDirectory, RecordingRows, SessionStore } from './types';

export type GatewayServices = {
	sessions: SessionStore;
	connectionStore: ConnectionStore;
	recordingRows: RecordingRows;
	directory: GatewayDirectory;
	audit: AuditSink;
};

export function gatewayServices(app: InstanceDeps, gatewayId: string): GatewayServices {
	return {
		sessions: new SessionRegistry(app.db, app.clock, gatewayId),
		connectionStore: new ConnectionRegistry(app.db, app.clock, gatewayId),
		recordingRows: databaseRecordingRows(app.db),
		directory: databaseDirectory(app),
		audit: { append: (row, now) => appendOrgAudit(app.db, row.orgId, row.entry, now) }
	};
}
