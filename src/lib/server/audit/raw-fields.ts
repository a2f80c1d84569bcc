/**
 * The stored fields of an audit row as pages show them behind "details": pretty-printed JSON, in the
 * order a reader scans them (what, who, on what, the metadata, from where, then the chain fields).
 */
type RawRow = {
	seq?: number;
	action: string;
	createdAt: Date;
	actorUserId?: string | null;
	actorEmail?: string | null;
	targetType?: string | null;
	targetId?: string | null;
	metadata: Record<string, unknown>;
	ipAddress: string | null;
	userAgent: string | null;
	hash?: string;
};

export function rawFieldsJson(row: RawRow): string {
	const fields = {
		action: row.action,
		createdAt: row.createdAt.toISOString(),
		actorUserId: row.actorUserId,
		actorEmail: row.actorEmail,
		targetType: row.targetType,
		targetId: row.targetId,
		metadata: row.metadata,
		ipAddress: row.ipAddress,
		userAgent: row.userAgent,
		seq: row.seq,
		hash: row.hash
	};
	// Fields a log does not have (the security log shows no chain fields) are left out, not shown as null.
	return JSON.stringify(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)), null, 2);
}
