/**
 * Audit rows in words. The session rows are built by the gateway's own row builders (the ones the
 * gateway core appends), so these sentences are about the metadata the gateway really writes.
 */
import { describe, expect, it } from 'vitest';
import { describeAuditRow, formatDuration, userIdsToName, type DescribableAuditRow } from '../../../src/lib/server/audit/describe';
import { sessionEndedRow, sessionRefusedRow, sessionStartedRow, type SessionAuditSubject } from '../../../src/lib/server/gateway-sessions/audit';

const ALICE = '00000000-0000-4000-8000-00000000a11c';
const BOB = '00000000-0000-4000-8000-000000000b0b';
const names = new Map([
	[ALICE, 'Alice'],
	[BOB, 'Bob']
]);

function row(action: string, fields: Partial<DescribableAuditRow> = {}): DescribableAuditRow {
	return { action, actorUserId: ALICE, actorEmail: 'alice@acme.test', targetType: null, targetId: null, metadata: {}, ipAddress: '198.51.100.7', ...fields };
}

const say = (r: DescribableAuditRow, viewerId?: string) => describeAuditRow(r, { names, viewerId });

function subject(transport: 'ssh' | 'websocket'): SessionAuditSubject {
	return {
		user: { id: BOB, email: 'bob@acme.test' },
		keyFingerprint: transport === 'ssh' ? 'SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' : null,
		clientIp: '203.0.113.7',
		transport,
		clientSoftware: 'SSH-2.0-OpenSSH_9.6',
		org: { id: 'org-1' },
		instance: { id: 'inst-1', slug: 'acme-shop' }
	};
}

/** A gateway row as the audit log stores it. */
function fromGateway(built: { entry: { actor: { userId: string; email: string } | null } & Record<string, unknown> }): DescribableAuditRow {
	const e = built.entry as unknown as DescribableAuditRow & { actor: { userId: string; email: string } };
	return { action: e.action, actorUserId: e.actor.userId, actorEmail: e.actor.email, targetType: e.targetType, targetId: e.targetId, metadata: e.metadata, ipAddress: e.ipAddress };
}

describe('describeAuditRow: gateway sessions', () => {
	const started = new Date('2026-06-01T12:00:00Z');
	const totals = { id: 's1', startedAt: started, bytesIn: 120, bytesOut: 4096 };

	it('says who opened and closed an SSH session where, from which address, how long and how it ended', () => {
		expect(say(fromGateway(sessionStartedRow(subject('ssh'), { id: 's1', kind: 'shell', command: null, pty: true })))).toBe(
			'Bob opened an SSH session on acme-shop from 203.0.113.7'
		);
		const ended = sessionEndedRow(subject('ssh'), { ...totals, kind: 'shell' }, { exitCode: 0, reason: 'closed' }, new Date(started.getTime() + 12 * 60_000));
		expect(say(fromGateway(ended))).toBe('Bob closed an SSH session on acme-shop from 203.0.113.7, 12 min, exit 0');
	});

	it('names the command of an exec, and a transfer, and an end that was not the client closing', () => {
		const exec = sessionStartedRow(subject('ssh'), { id: 's1', kind: 'exec', command: 'odoo-bin shell -d prod', pty: false });
		expect(say(fromGateway(exec))).toBe('Bob ran "odoo-bin shell -d prod" over SSH on acme-shop from 203.0.113.7');
		const done = sessionEndedRow(subject('ssh'), { ...totals, kind: 'exec' }, { exitCode: 3, reason: 'closed' }, new Date(started.getTime() + 4_200));
		expect(say(fromGateway(done))).toBe('Bob finished an SSH command on acme-shop from 203.0.113.7, 4 s, exit 3');
		const sftp = sessionStartedRow(subject('ssh'), { id: 's1', kind: 'sftp', command: null, pty: false });
		expect(say(fromGateway(sftp))).toBe('Bob opened an SFTP session on acme-shop from 203.0.113.7');
		const idle = sessionEndedRow(subject('ssh'), { ...totals, kind: 'shell' }, { exitCode: null, reason: 'idle_timeout' }, new Date(started.getTime() + 2 * 3600_000 + 5 * 60_000));
		expect(say(fromGateway(idle))).toBe("Bob's SSH session on acme-shop from 203.0.113.7 was closed by the idle timeout, 2 h 5 min");
		const killed = sessionEndedRow(subject('ssh'), { ...totals, kind: 'shell' }, { exitCode: null, signal: 'KILL', reason: 'closed' }, started);
		expect(say(fromGateway(killed))).toBe('Bob closed an SSH session on acme-shop from 203.0.113.7, <1 s, signal KILL');
	});

	it('says why a session was refused, in words, and tells the web terminal from SSH', () => {
		const refused = sessionRefusedRow(subject('ssh'), { code: 'permission_denied', operatorReason: "the user's role lacks view:instances" }, { kind: 'shell', command: null });
		expect(say(fromGateway(refused))).toBe('Bob was refused an SSH session on acme-shop from 203.0.113.7: no permission');
		const stopped = sessionRefusedRow(subject('websocket'), { code: 'instance_stopped', operatorReason: 'status stopped' }, { kind: 'shell', command: null });
		expect(say(fromGateway(stopped))).toBe('Bob was refused a web terminal on acme-shop from 203.0.113.7: the instance is not running');
		const web = sessionStartedRow(subject('websocket'), { id: 's2', kind: 'shell', command: null, pty: true });
		expect(say(fromGateway(web))).toBe('Bob opened a web terminal on acme-shop from 203.0.113.7');
		const unknownCode = sessionRefusedRow(subject('ssh'), { code: 'new_code', operatorReason: 'a reason the gateway gave' }, { kind: 'shell', command: null });
		expect(say(fromGateway(unknownCode))).toMatch(/: a reason the gateway gave$/);
	});

	it('clips a long command so the sentence stays one short line', () => {
		const long = sessionStartedRow(subject('ssh'), { id: 's1', kind: 'exec', command: `echo ${'x'.repeat(500)}`, pty: false });
		const text = say(fromGateway(long));
		expect(text.length).toBeLessThan(140);
		expect(text).toContain('…');
	});
});

describe('describeAuditRow: org events', () => {
	it("names the people, the roles and the things changed (rows as the services write them)", () => {
		const roleChanged = row('member.role_changed', {
			targetType: 'user',
			targetId: BOB,
			metadata: { email: 'bob@acme.test', fromRoleId: 'r1', fromRole: 'Developer', toRoleId: 'r2', toRole: 'Viewer' }
		});
		expect(say(roleChanged)).toBe("Alice changed Bob's role from Developer to Viewer");
		expect(say(row('member.invited', { targetType: 'invitation', targetId: 'i1', metadata: { email: 'carol@acme.test', roleId: 'r1', role: 'Developer' } }))).toBe(
			'Alice invited carol@acme.test as Developer'
		);
		expect(say(row('member.joined', { actorUserId: BOB, targetType: 'user', targetId: BOB, metadata: { role: 'Viewer' } }))).toBe('Bob joined as Viewer');
		expect(say(row('member.removed', { targetType: 'user', targetId: BOB, metadata: { email: 'bob@acme.test', role: 'Viewer', wasOwner: false } }))).toBe(
			'Alice removed Bob (Viewer) from the organization'
		);
		expect(say(row('ownership.transferred', { targetType: 'user', targetId: BOB, metadata: { toEmail: 'bob@acme.test', keptOwnership: false } }))).toBe(
			'Alice transferred ownership to Bob'
		);
		expect(say(row('org.renamed', { metadata: { from: 'Acme', to: 'Acme Hosting' } }))).toBe('Alice renamed the organization from "Acme" to "Acme Hosting"');
		expect(say(row('role.created', { metadata: { name: 'Deployer', permissions: ['view:instances', 'manage:instances'] } }))).toBe(
			'Alice created the role "Deployer" (2 permissions)'
		);
		const updated = row('role.updated', {
			metadata: { before: { name: 'Deployer', permissions: ['view:instances'] }, after: { name: 'Deployers', permissions: ['view:instances', 'manage:servers'] } }
		});
		expect(say(updated)).toBe('Alice renamed the role "Deployer" to "Deployers" (added manage:servers)');
		expect(say(row('instance.created', { metadata: { slug: 'acme-shop', container: 'odoo-1', server: 'local' } }))).toBe(
			'Alice created the instance acme-shop (container odoo-1 on "local")'
		);
		expect(say(row('instance.created', { metadata: { slug: 'acme-shop', project: 'Webshop', environment: 'production', container: 'odoo-1', server: 'local' } }))).toBe(
			'Alice created the instance acme-shop in Webshop / production (container odoo-1 on "local")'
		);
		expect(say(row('project.created', { metadata: { name: 'Webshop' } }))).toBe('Alice created the project "Webshop"');
		expect(say(row('project.renamed', { metadata: { from: 'Webshop', to: 'Web shop' } }))).toBe('Alice renamed the project "Webshop" to "Web shop"');
		expect(say(row('project.deleted', { metadata: { name: 'Web shop' } }))).toBe('Alice deleted the project "Web shop"');
		expect(say(row('environment.created', { metadata: { name: 'staging', project: 'Webshop' } }))).toBe(
			'Alice created the environment "staging" in project "Webshop"'
		);
		expect(say(row('environment.renamed', { metadata: { from: 'stage', to: 'staging', project: 'Webshop' } }))).toBe(
			'Alice renamed the environment "stage" to "staging" in project "Webshop"'
		);
		expect(say(row('environment.deleted', { metadata: { name: 'staging', project: 'Webshop' } }))).toBe(
			'Alice deleted the environment "staging" from project "Webshop"'
		);
		expect(say(row('server.created', { metadata: { name: 'local', kind: 'socket', endpoint: '/var/run/docker.sock' } }))).toBe(
			'Alice added the server "local" (Docker socket /var/run/docker.sock)'
		);
	});

	it("falls back to the stored email when a user is gone, and to the action's name when it is unknown", () => {
		const gone = row('member.role_changed', {
			actorUserId: 'deleted-user',
			actorEmail: 'old@acme.test',
			targetType: 'user',
			targetId: 'deleted-too',
			metadata: { email: 'left@acme.test', fromRole: 'Admin', toRole: 'Viewer' }
		});
		expect(say(gone)).toBe("old@acme.test changed left@acme.test's role from Admin to Viewer");
		expect(say(row('widget.frobbed', { targetType: 'widget', targetId: '1234567890abcdef' }))).toBe('Alice performed widget.frobbed on widget 12345678');
	});
});

describe('describeAuditRow: account events, as their owner reads them', () => {
	it('speaks to the reader', () => {
		expect(say(row('auth.login', { metadata: { kind: 'browser' } }), ALICE)).toBe('You signed in');
		expect(say(row('auth.login', { metadata: { kind: 'api' } }), ALICE)).toBe('You signed in through the API');
		expect(say(row('user.password_changed', { metadata: { endedSessions: 2 } }), ALICE)).toBe('You changed your password and signed out 2 other sessions');
		expect(say(row('auth.reauth_failed', { metadata: { purpose: 'password_change' } }), ALICE)).toBe(
			'You gave a wrong current password while changing your password'
		);
		expect(say(row('session.revoked', { metadata: { current: false, session: { device: 'API client', ipAddress: '198.51.100.31' } } }), ALICE)).toBe(
			'You ended a session (API client, 198.51.100.31)'
		);
		expect(say(row('session.revoked', { metadata: { reason: 'refresh_token_reuse' } }), ALICE)).toBe(
			'Your session was ended: a refresh token that had already been used came back'
		);
		expect(say(row('ssh_key.added', { metadata: { name: 'laptop', type: 'ssh-ed25519', fingerprint: 'SHA256:x' } }), ALICE)).toBe(
			'You added the SSH key "laptop" (ssh-ed25519)'
		);
		expect(say(row('ssh_key.imported', { metadata: { githubUsername: 'octocat', added: 2, skipped: 1 } }), ALICE)).toBe(
			'You imported 2 SSH keys from GitHub user octocat (1 skipped)'
		);
		expect(say(row('auth.login_failed', { actorUserId: null, actorEmail: null, metadata: { emailSha256: 'ab' } }))).toBe(
			'Someone failed to sign in (wrong email or password)'
		);
	});

	it('tells profile changes and account deletion as the account services write them', () => {
		expect(say(row('user.name_changed', { metadata: { previousName: 'Ali', name: 'Alice' } }), ALICE)).toBe('You changed your name from "Ali" to "Alice"');
		expect(say(row('user.email_change_requested', { metadata: { newEmail: 'alice@new.test' } }), ALICE)).toBe(
			'You asked to change your email address to alice@new.test'
		);
		expect(say(row('user.email_changed', { metadata: { previousEmail: 'alice@acme.test', newEmail: 'alice@new.test' } }), ALICE)).toBe(
			'You changed your email address from alice@acme.test to alice@new.test'
		);
		expect(say(row('auth.reauth_failed', { metadata: { purpose: 'account_deletion' } }), ALICE)).toBe(
			'You gave a wrong current password while deleting your account'
		);
		expect(say(row('member.account_deleted', { metadata: { role: 'Developer' } }))).toBe('Alice deleted their account (was Developer)');
	});
});

describe('helpers', () => {
	it('formats durations and lists the users a page needs once each', () => {
		expect([formatDuration(0.4), formatDuration(59), formatDuration(90), formatDuration(3600), formatDuration(3660)]).toEqual(['<1 s', '59 s', '2 min', '1 h', '1 h 1 min']);
		const rows = [row('member.role_changed', { targetType: 'user', targetId: BOB }), row('auth.login'), row('member.invited', { targetType: 'invitation', targetId: 'inv' })];
		expect(userIdsToName(rows).sort()).toEqual([ALICE, BOB].sort());
	});
});
