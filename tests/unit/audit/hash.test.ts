import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashAuditRow, type HashedFields } from '../../../src/lib/server/audit/hash';

const row: HashedFields = {
	chain: 'c',
	seq: 1,
	orgId: null,
	actorUserId: null,
	actorEmail: 'a@b.c',
	action: 'x',
	targetType: null,
	targetId: null,
	metadata: { b: 1, a: 'z' },
	ipAddress: null,
	userAgent: null,
	createdAt: new Date('2026-01-02T03:04:05.678Z'),
	prevHash: GENESIS_HASH
};

describe('hashAuditRow', () => {
	it('is the SHA-256 of the RFC 8785 canonical JSON of every field (keys sorted, ISO time)', () => {
		const canonical =
			'{"action":"x","actorEmail":"a@b.c","actorUserId":null,"chain":"c","createdAt":"2026-01-02T03:04:05.678Z",' +
			'"ipAddress":null,"metadata":{"a":"z","b":1},"orgId":null,"prevHash":"' +
			'0'.repeat(64) +
			'","seq":1,"targetId":null,"targetType":null,"userAgent":null}';
		expect(hashAuditRow(row)).toBe(createHash('sha256').update(canonical).digest('hex'));
		expect(hashAuditRow(row)).toMatch(/^[0-9a-f]{64}$/);
	});

	it('does not depend on key order, but changes with any field, including the previous hash', () => {
		expect(hashAuditRow({ ...row, metadata: { a: 'z', b: 1 } })).toBe(hashAuditRow(row));
		const variants: Partial<HashedFields>[] = [
			{ chain: 'd' },
			{ seq: 2 },
			{ actorEmail: 'A@b.c' },
			{ action: 'y' },
			{ metadata: { a: 'z', b: 2 } },
			{ ipAddress: '10.0.0.1' },
			{ createdAt: new Date('2026-01-02T03:04:05.679Z') },
			{ prevHash: 'f'.repeat(64) }
		];
		const hashes = variants.map((v) => hashAuditRow({ ...row, ...v }));
		expect(new Set([hashAuditRow(row), ...hashes]).size).toBe(variants.length + 1);
	});

	it('starts every chain from a genesis hash of 64 zeros', () => {
		expect(GENESIS_HASH).toBe('0'.repeat(64));
	});
});
