/**
 * The gateway core (both doors: SSH and the browser terminal) under an org's 2FA requirement, on a
 * real database with the in-memory container backend: a member without 2FA is refused before any
 * container session, with a line naming the org, and the refusal is written to the org's audit log;
 * a member with 2FA gets in; an outsider still hears "Instance not found"; a session already open
 * is ended by the revocation watcher once the requirement is switched on.
 * 2FA is turned on by writing the totp_credentials row directly (tests/helpers/mfa.ts).
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLogs, organizations } from '../../../src/lib/server/db/schema';
import { setTwoFactorRequirement } from '../../../src/lib/server/orgs/two-factor';
import { request, type World } from '../../helpers/gateway-core';
import { useCoreSuite } from '../../helpers/gateway-core-suite';
import { turnOnTwoFactorInDb } from '../../helpers/mfa';
import { acting, insertUser } from '../../helpers/orgs';

const fx = useCoreSuite();

const LINE = 'Gateway requires two-factor authentication. Turn it on in Settings > Security.';

async function requireTwoFactor(w: World) {
	await fx.app.db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, w.orgId));
}

describe('an org that requires 2FA', () => {
	it('refuses a member without 2FA before any container session, with a line naming the org, audited in the org', async () => {
		const w = await fx.world();
		const dev = await fx.member(w, 'Developer');
		await requireTwoFactor(w);
		const sessionsBefore = fx.backend.execs.length;
		const result = await fx.core.authorize(request(dev.fingerprint, w.slug));
		expect(result).toMatchObject({ ok: false, code: 'mfa_required', userMessage: LINE });

		const connection = await fx.core.connect(request(dev.fingerprint, w.slug));
		const refused = await connection.channel().exec('id');
		expect(refused).toMatchObject({ ok: false, code: 'mfa_required', userMessage: LINE });
		expect(fx.backend.execs.length).toBe(sessionsBefore);
		const rows = await fx.app.db
			.select()
			.from(auditLogs)
			.where(and(eq(auditLogs.chain, w.orgId), eq(auditLogs.action, 'ssh.session_refused'), eq(auditLogs.actorUserId, dev.user.id)));
		expect(rows.at(-1)?.metadata).toMatchObject({ code: 'mfa_required' });
	});

	it('lets a member with 2FA (and the owner with 2FA) in, and tells an outsider nothing', async () => {
		const w = await fx.world();
		const dev = await fx.member(w, 'Developer');
		await turnOnTwoFactorInDb(fx.app.db, w.owner.id);
		await turnOnTwoFactorInDb(fx.app.db, dev.user.id);
		await requireTwoFactor(w);
		expect((await fx.core.authorize(request(dev.fingerprint, w.slug))).ok).toBe(true);
		expect((await fx.core.authorize(request(w.fingerprint, w.slug))).ok).toBe(true);
		const outsider = await insertUser(fx.app, 'outsider');
		const fp = await fx.addKey(outsider.id);
		expect(await fx.core.authorize(request(fp, w.slug))).toMatchObject({ ok: false, code: 'instance_not_found', userMessage: 'Instance not found' });
	});

	it('ends an open session of a member without 2FA when the requirement is switched on', async () => {
		const w = await fx.world();
		const dev = await fx.member(w, 'Developer');
		const withTwoFactor = await fx.member(w, 'Developer');
		await turnOnTwoFactorInDb(fx.app.db, w.owner.id);
		await turnOnTwoFactorInDb(fx.app.db, withTwoFactor.user.id);
		const open = async (fp: string) => (await fx.open(fx.core, fp, w.slug, 'wait')).session;
		const [held, kept] = [await open(dev.fingerprint), await open(withTwoFactor.fingerprint)];
		await fx.core.checkRevocations();
		await setTwoFactorRequirement(fx.app, acting(w.owner), w.orgId, { requireTwoFactor: true });
		await fx.core.checkRevocations();
		expect(await held.exit).toEqual({ exitCode: null, reason: 'revoked', message: 'Access revoked' });
		expect(await Promise.race([kept.exit, new Promise((r) => setTimeout(() => r('open'), 100))])).toBe('open');
		kept.close('closed');
	});
});
