/**
 * The hash of one audit row: SHA-256 over the RFC 8785 canonical JSON of every stored field plus the
 * previous row's hash. Changing any field, or removing/reordering a row, breaks the chain.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

export type HashedFields = {
	chain: string;
	seq: number;
	orgId: string | null;
	actorUserId: string | null;
	actorEmail: string | null;
	action: string;
	targetType: string | null;
	targetId: string | null;
	metadata: Record<string, unknown>;
	ipAddress: string | null;
	userAgent: string | null;
	createdAt: Date;
	prevHash: string;
};

export function hashAuditRow(row: HashedFields): string {
	const canonical = canonicalize({ ...row, createdAt: row.createdAt.toISOString() });
	if (canonical === undefined) throw new Error('audit row cannot be canonicalized');
	return encodeHexLowerCase(sha256(new TextEncoder().encode(canonical)));
}
