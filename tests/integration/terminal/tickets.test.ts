/** Terminal tickets on a real database: signed, bound, single-use, 30 seconds, stored hashed. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteSession } from '../../../src/lib/server/auth/session-store';
import { instances, servers, terminalTickets } from '../../../src/lib/server/db/schema';
import { hashSecret } from '../../../src/lib/server/auth/tokens';
import { deleteDeadTerminalTickets, issueTerminalTicket, redeemTerminalTicket, TERMINAL_TICKET_TTL_SECONDS } from '../../../src/lib/server/terminal/tickets';
import { createTestApp, type TestApp } from '../../helpers/app';
import { defaultEnvironmentId } from '../../helpers/projects';
import { browserLogin } from '../../helpers/terminal';
import { insertUser, orgWithOwner, uniqueSlug } from '../../helpers/orgs';

describe('terminal tickets', () => {
	let app: TestApp;
	let binding: { userId: string; sessionId: string; instanceId: string };

	beforeAll(async () => {
		app = await createTestApp();
		const { owner, org } = await orgWithOwner(app, 'Tickets');
		const [server] = await app.db.insert(servers).values({ orgId: org.id, name: 'local', kind: 'socket', endpoint: '/var/run/docker.sock' }).returning();
		const slug = uniqueSlug('inst');
		const [instance] = await app.db.insert(instances).values({ orgId: org.id, slug, name: 'I', serverId: server!.id, container: `c-${slug}`, status: 'running', environmentId: await defaultEnvironmentId(app, org.id) }).returning();
		const login = await browserLogin(app, owner);
		binding = { userId: owner.id, sessionId: login.auth.session.id, instanceId: instance!.id };
	});
	afterAll(() => app?.close());

	it('is used once: the first use returns its binding, every later use finds it used', async () => {
		const now = new Date();
		const { ticket, expiresAt } = await issueTerminalTicket(app, binding, now);
		expect(expiresAt.getTime() - now.getTime()).toBe(TERMINAL_TICKET_TTL_SECONDS * 1000);
		const uses = await Promise.all([1, 2, 3].map(() => redeemTerminalTicket(app, ticket, now)));
		expect(uses.filter((u) => u.ok)).toEqual([{ ok: true, ...binding }]);
		expect(uses.filter((u) => !u.ok)).toEqual([
			{ ok: false, reason: 'used' },
			{ ok: false, reason: 'used' }
		]);
	});

	it('is stored only as a hash', async () => {
		const { ticket } = await issueTerminalTicket(app, binding, new Date());
		const rows = await app.db.select().from(terminalTickets).where(eq(terminalTickets.ticketHash, hashSecret(ticket)));
		expect(rows).toHaveLength(1);
		expect(JSON.stringify(rows)).not.toContain(ticket.split('.')[3]);
	});

	it('expires after 30 seconds', async () => {
		const now = new Date();
		const { ticket } = await issueTerminalTicket(app, binding, now);
		expect(await redeemTerminalTicket(app, ticket, new Date(now.getTime() + 30_000))).toEqual({ ok: false, reason: 'expired' });
		expect(await redeemTerminalTicket(app, ticket, new Date(now.getTime() + 29_000))).toMatchObject({ ok: true });
	});

	it('refuses anything altered, truncated or signed with another key', async () => {
		const now = new Date();
		const { ticket } = await issueTerminalTicket(app, binding, now);
		const [v, id, exp, nonce, mac] = ticket.split('.');
		const later = String(Number(exp) + 3600);
		for (const bad of [`${v}.${id}.${later}.${nonce}.${mac}`, ticket.slice(0, -1), `${ticket}x`, '', 'v1....', `v2.${id}.${exp}.${nonce}.${mac}`]) {
			expect(await redeemTerminalTicket(app, bad, now), bad).toEqual({ ok: false, reason: 'invalid' });
		}
		const otherKey = await createTestApp({ JWT_SECRET: 'another-secret-that-is-long-enough-9876543210' });
		try {
			expect(await redeemTerminalTicket(otherKey, ticket, now)).toEqual({ ok: false, reason: 'invalid' });
		} finally {
			await otherKey.close();
		}
		expect(await redeemTerminalTicket(app, ticket, now)).toMatchObject({ ok: true });
	});

	it('dies with the browser session it was issued to, and old rows are swept', async () => {
		const user = await insertUser(app, 'sweep');
		const login = await browserLogin(app, user);
		const now = new Date();
		const { ticket } = await issueTerminalTicket(app, { ...binding, userId: user.id, sessionId: login.auth.session.id }, now);
		await deleteSession(app.db, login.auth.session.id);
		expect(await redeemTerminalTicket(app, ticket, now)).toEqual({ ok: false, reason: 'used' });
		await issueTerminalTicket(app, binding, new Date(now.getTime() - 2 * 3600_000));
		expect(await deleteDeadTerminalTickets(app.db, now)).toBeGreaterThanOrEqual(1);
	});
});
