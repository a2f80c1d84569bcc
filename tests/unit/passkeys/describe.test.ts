/** Passkey audit rows in words, with the metadata the passkey services write (never key material). */
import { describe, expect, it } from 'vitest';
import { describeAuditRow, type DescribableAuditRow } from '../../../src/lib/server/audit/describe';

const ALICE = '00000000-0000-4000-8000-00000000a11c';
const names = new Map([[ALICE, 'Alice']]);

function row(action: string, metadata: Record<string, unknown>, fields: Partial<DescribableAuditRow> = {}): DescribableAuditRow {
	return { action, actorUserId: ALICE, actorEmail: 'alice@acme.test', targetType: 'passkey', targetId: 'pk-1', metadata, ipAddress: '198.51.100.7', ...fields };
}

const say = (r: DescribableAuditRow, viewerId?: string) => describeAuditRow(r, { names, viewerId });

describe('passkey audit rows', () => {
	it('speak to their owner', () => {
		expect(say(row('passkey.registered', { name: 'MacBook Touch ID', synced: true }), ALICE)).toBe('You added the passkey "MacBook Touch ID" (synced)');
		expect(say(row('passkey.registered', { name: 'YubiKey', synced: false }), ALICE)).toBe('You added the passkey "YubiKey"');
		expect(say(row('passkey.renamed', { previousName: 'YubiKey', name: 'Work YubiKey' }), ALICE)).toBe('You renamed the passkey "YubiKey" to "Work YubiKey"');
		expect(say(row('passkey.deleted', { name: 'Work YubiKey' }), ALICE)).toBe('You removed the passkey "Work YubiKey"');
		expect(say(row('auth.passkey_failed', { reason: 'bad_signature', name: 'YubiKey' }), ALICE)).toBe(
			'You had a sign-in with your passkey "YubiKey" refused (the response did not verify)'
		);
		expect(say(row('auth.passkey_counter_regression', { name: 'YubiKey', storedCounter: 5, presentedCounter: 3 }), ALICE)).toBe(
			'You had a sign-in with your passkey "YubiKey" refused: its counter went backwards, so the key may have been copied'
		);
	});

	it('name someone for a passkey nobody here owns, and others by name', () => {
		const anonymous = { actorUserId: null, actorEmail: null, targetType: null, targetId: null };
		expect(say(row('auth.passkey_failed', { reason: 'unknown_credential' }, anonymous))).toBe('Someone tried to sign in with a passkey that is not registered here');
		expect(say(row('auth.passkey_failed', { reason: 'other_user' }, anonymous))).toBe('Someone offered a passkey of another account');
		expect(say(row('passkey.deleted', { name: 'Phone' }))).toBe('Alice removed the passkey "Phone"');
	});
});
