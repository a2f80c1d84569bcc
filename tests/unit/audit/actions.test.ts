/**
 * The list of known audit actions (src/lib/server/audit/actions.ts) against the source: every action
 * string a module writing audit rows holds is listed, and every listed action is written somewhere.
 * A new action without an entry (or an entry left behind by a removed action) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, auditActionGroups } from '../../../src/lib/server/audit/actions';
import { describeAuditRow } from '../../../src/lib/server/audit/describe';
import { sessionEndedRow, sessionRefusedRow, sessionStartedRow } from '../../../src/lib/server/gateway-sessions/audit';
import type { Transport } from '../../../src/lib/server/gateway-sessions/types';

const ROOTS = ['src', 'ssh-gateway'];
/** A module that writes audit rows names one of these. */
const WRITER = /\b(appendOrgAudit|appendAccountAudit|auditOrg)\b/;
/** `'domain.event'` in single quotes: how every written action appears in such a module. */
const ACTION_LITERAL = /'([a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*)'/g;
const SKIP = new Set([path.join('src', 'lib', 'server', 'audit', 'actions.ts')]);

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
		return /\.(ts|svelte)$/.test(entry.name) && !SKIP.has(full) ? [full] : [];
	});
}

function actionsInSource(): Map<string, string> {
	const found = new Map<string, string>();
	for (const file of ROOTS.flatMap(sourceFiles)) {
		const text = readFileSync(file, 'utf8');
		if (!WRITER.test(text)) continue;
		for (const match of text.matchAll(ACTION_LITERAL)) found.set(match[1]!, file);
	}
	return found;
}

/** The gateway composes its actions from the transport (`ssh.` or `terminal.`): ask its builders. */
function gatewayActions(): string[] {
	const transports: Transport[] = ['ssh', 'websocket'];
	return transports.flatMap((transport) => {
		const subject = {
			user: { id: 'u', email: 'u@x.test' },
			keyFingerprint: null,
			clientIp: null,
			transport,
			clientSoftware: null,
			org: { id: 'o' },
			instance: { id: 'i', slug: 's' }
		};
		return [
			sessionStartedRow(subject, { id: 's', kind: 'shell', command: null, pty: true }),
			sessionEndedRow(subject, { id: 's', kind: 'shell', startedAt: new Date(0), bytesIn: 0, bytesOut: 0 }, { exitCode: 0, reason: 'closed' }, new Date(0)),
			sessionRefusedRow(subject, { code: 'permission_denied', operatorReason: 'r' }, { kind: 'shell', command: null })
		].map((row) => row.entry.action);
	});
}

describe('the known audit actions', () => {
	const written = actionsInSource();
	const gateway = gatewayActions();
	const known = Object.keys(AUDIT_ACTIONS);

	it('finds the writers (the grep itself works)', () => {
		expect(written.size).toBeGreaterThan(30);
		expect(written.get('member.role_changed')).toMatch(/members\.ts$/);
		expect(gateway).toContain('ssh.session_started');
		expect(gateway).toContain('terminal.session_refused');
	});

	it('list every action the source writes', () => {
		const missing = [...written.keys(), ...gateway].filter((action) => !known.includes(action));
		expect(missing, `add these to src/lib/server/audit/actions.ts: ${missing.join(', ')}`).toEqual([]);
	});

	it('list no action that nothing writes any more', () => {
		const stale = known.filter((action) => !written.has(action) && !gateway.includes(action));
		expect(stale, 'remove these from src/lib/server/audit/actions.ts').toEqual([]);
	});

	it('each have a sentence of their own, not the fallback', () => {
		for (const action of known) {
			const text = describeAuditRow(
				{ action, actorUserId: 'u', actorEmail: 'u@x.test', targetType: 'thing', targetId: 'id', metadata: {}, ipAddress: null },
				{ names: new Map() }
			);
			expect(text, action).not.toContain('performed');
			expect(text, action).not.toContain(action);
		}
	});

	it('group for the filter: org actions in the org log, account actions in the security log', () => {
		const org = auditActionGroups('org').flatMap((g) => g.actions.map((a) => a.value));
		const account = auditActionGroups('account').flatMap((g) => g.actions.map((a) => a.value));
		expect([...org, ...account].sort()).toEqual([...known].sort());
		expect(org).toContain('ssh.session_ended');
		expect(org).not.toContain('auth.login');
		expect(account).toContain('auth.login');
	});
});
