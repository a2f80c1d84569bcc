/**
 * Re-encrypting every stored server secret under the current SSH_ENCRYPTION_KEY.
 *
 * Policy: all or nothing. One transaction locks the servers table's rows (FOR UPDATE), opens every
 * sealed value with the current or previous key and re-seals those not under the current key. If a
 * single value cannot be opened (unknown key, tampered, moved to another row), nothing is written
 * and the report lists what failed, by server id and column, never by content.
 */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { servers } from '../db/schema';
import { SEALED_SERVER_COLUMNS, sealContext } from './sealed-columns';
import { resealSecret, SecretBoxError, type SecretKeyring } from './secret-box';

export type RotationProblem = { serverId: string; column: string; message: string };

export type RotationReport = {
	servers: number;
	reencrypted: number;
	alreadyCurrent: number;
	problems: RotationProblem[];
};

/** Thrown inside the transaction to roll it back when a value could not be opened. */
class RotationAborted extends Error {}

export async function rotateServerSecrets(db: Database, ring: SecretKeyring): Promise<RotationReport> {
	const report: RotationReport = { servers: 0, reencrypted: 0, alreadyCurrent: 0, problems: [] };
	try {
		await db.transaction(async (tx) => {
			const rows = await tx.select().from(servers).orderBy(asc(servers.id)).for('update');
			report.servers = rows.length;
			for (const row of rows) {
				const changes: Partial<Record<(typeof SEALED_SERVER_COLUMNS)[number]['field'], string>> = {};
				for (const { field, column } of SEALED_SERVER_COLUMNS) {
					const sealed = row[field];
					if (sealed === null) continue;
					try {
						const { value, changed } = resealSecret(ring, sealed, sealContext(row.id, field));
						if (changed) {
							changes[field] = value;
							report.reencrypted += 1;
						} else report.alreadyCurrent += 1;
					} catch (err) {
						if (!(err instanceof SecretBoxError)) throw err;
						report.problems.push({ serverId: row.id, column, message: err.message });
					}
				}
				if (Object.keys(changes).length > 0) await tx.update(servers).set(changes).where(eq(servers.id, row.id));
			}
			if (report.problems.length > 0) throw new RotationAborted();
		});
	} catch (err) {
		if (!(err instanceof RotationAborted)) throw err;
		report.reencrypted = 0;
	}
	return report;
}
