/**
 * Reading keys across accounts: the gateway's lookup of a user by the key they presented, and an
 * org admin's view of the keys of the org's members.
 *
 * Policy: the gateway matches on the fingerprint (SHA-256 of the exact key blob), which the unique
 * index ties to one account. Org admins see fingerprints, types, sizes and names of their members'
 * keys (enough to audit and revoke), never the public key material or comments; authorization
 * (`view:ssh_keys` in that org) is the caller's duty, done once in orgProcedure.
 */
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { memberships, sshKeys, users } from '../db/schema';
import { fingerprintOf } from './parse';

export type SshKeyOwner = { userId: string; email: string; name: string; keyId: string; fingerprint: string };

/** The account a key belongs to, by fingerprint (`SHA256:...`) or by the raw key blob; null if none. */
export async function findUserBySshKey(db: DbOrTx, fingerprintOrBlob: string | Buffer): Promise<SshKeyOwner | null> {
	const fingerprint = typeof fingerprintOrBlob === 'string' ? fingerprintOrBlob : fingerprintOf(fingerprintOrBlob);
	const [row] = await db
		.select({ userId: users.id, email: users.email, name: users.name, keyId: sshKeys.id, fingerprint: sshKeys.fingerprint })
		.from(sshKeys)
		.innerJoin(users, eq(users.id, sshKeys.userId))
		.where(eq(sshKeys.fingerprint, fingerprint));
	return row ?? null;
}

/** Records a successful gateway authentication with this key; false when no such key exists. */
export async function touchSshKeyLastUsed(db: DbOrTx, fingerprint: string, now: Date): Promise<boolean> {
	const updated = await db.update(sshKeys).set({ lastUsedAt: now }).where(eq(sshKeys.fingerprint, fingerprint)).returning({ id: sshKeys.id });
	return updated.length > 0;
}

export type MemberKeySummary = {
	id: string;
	name: string;
	type: string;
	bits: number;
	fingerprint: string;
	createdAt: Date;
	lastUsedAt: Date | null;
};

export type MemberKeys = { userId: string; email: string; name: string; keys: MemberKeySummary[] };

/** Every member of the org (those without keys too), by email, each with their keys oldest first. */
export async function listOrgMemberKeys(app: { db: DbOrTx }, orgId: string): Promise<MemberKeys[]> {
	const rows = await app.db
		.select({
			userId: users.id,
			email: users.email,
			userName: users.name,
			keyId: sshKeys.id,
			keyName: sshKeys.name,
			type: sshKeys.type,
			bits: sshKeys.bits,
			fingerprint: sshKeys.fingerprint,
			createdAt: sshKeys.createdAt,
			lastUsedAt: sshKeys.lastUsedAt
		})
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.leftJoin(sshKeys, eq(sshKeys.userId, memberships.userId))
		.where(eq(memberships.orgId, orgId))
		.orderBy(asc(users.email), asc(sshKeys.createdAt), asc(sshKeys.id));

	const byUser = new Map<string, MemberKeys>();
	for (const row of rows) {
		let member = byUser.get(row.userId);
		if (!member) {
			member = { userId: row.userId, email: row.email, name: row.userName, keys: [] };
			byUser.set(row.userId, member);
		}
		if (row.keyId === null) continue;
		member.keys.push({
			id: row.keyId,
			name: row.keyName!,
			type: row.type!,
			bits: row.bits!,
			fingerprint: row.fingerprint!,
			createdAt: row.createdAt!,
			lastUsedAt: row.lastUsedAt
		});
	}
	return [...byUser.values()];
}
