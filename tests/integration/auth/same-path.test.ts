/**
 * Known and unknown addresses take the same path on the request: a sign-in failure writes the same
 * rows, and a reset request does the same work (a rate-limit count and one queued job) and answers
 * before looking the address up. Timing itself is compared in `npm run bench`, not here.
 */
import { count, eq, sql } from 'drizzle-orm';
import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_CHAIN } from '../../../src/lib/server/audit/append';
import { ARGON2_PARAMS } from '../../../src/lib/server/auth/password';
import { requestPasswordReset } from '../../../src/lib/server/auth/password-reset';
import { loginApi, signup } from '../../../src/lib/server/auth/service';
import { hashSecret } from '../../../src/lib/server/auth/tokens';
import { auditLogs, authFailures, mailOutbox, passwordResetTokens, rateLimitBuckets, users } from '../../../src/lib/server/db/schema';
import { createJobQueue } from '../../../src/lib/server/jobs/queue';
import { createOrg } from '../../../src/lib/server/orgs/orgs';
import { createTestApp, uniqueEmail, uniqueIp, type TestApp } from '../../helpers/app';
import { uniqueSlug } from '../../helpers/orgs';

let app: TestApp;
const password = 'correct horse 42';
const meta = (ipAddress = uniqueIp()) => ({ ipAddress, userAgent: 'vitest' });

beforeAll(async () => {
	app = await createTestApp();
});
afterAll(() => app.close());

/** Row counts of every table a sign-in or reset request could write. */
async function tableCounts() {
	const out: Record<string, number> = {};
	for (const [name, table] of Object.entries({ auditLogs, authFailures, mailOutbox, passwordResetTokens })) {
		const [row] = await app.db.select({ n: count() }).from(table);
		out[name] = row!.n;
	}
	const [buckets] = await app.db.select({ n: sql<number>`coalesce(sum(${rateLimitBuckets.count}), 0)::int` }).from(rateLimitBuckets);
	out.rateLimitCounts = Number(buckets!.n);
	return out;
}

async function diffOf(action: () => Promise<unknown>) {
	const before = await tableCounts();
	await action();
	const after = await tableCounts();
	return Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - before[k]!]));
}

/** A known account that belongs to an org, so any per-account extra write would show. */
async function knownMember() {
	const email = uniqueEmail('known');
	const user = await signup(app, { email, password, name: 'Known' }, meta());
	await createOrg(app, { userId: user.id, email, request: meta() }, { name: 'Known Org', slug: uniqueSlug() });
	return email;
}

describe('a failed sign-in', () => {
	it('writes the same rows for a known and an unknown address, with no account named', async () => {
		const known = await knownMember();
		const unknown = uniqueEmail('unknown');
		const knownDiff = await diffOf(() => loginApi(app, { email: known, password: 'wrong pass 1' }, meta()).catch((e) => e));
		const unknownDiff = await diffOf(() => loginApi(app, { email: unknown, password: 'wrong pass 1' }, meta()).catch((e) => e));
		expect(knownDiff).toEqual(unknownDiff);
		expect(knownDiff).toMatchObject({ auditLogs: 1, authFailures: 1 });
		const rows = await app.db.select().from(auditLogs).where(eq(auditLogs.action, 'auth.login_failed'));
		const forKnown = rows.find((r) => (r.metadata as { emailSha256?: string }).emailSha256 === hashSecret(known))!;
		const forUnknown = rows.find((r) => (r.metadata as { emailSha256?: string }).emailSha256 === hashSecret(unknown))!;
		for (const row of [forKnown, forUnknown]) {
			expect(row).toMatchObject({ chain: ACCOUNT_CHAIN, actorUserId: null, actorEmail: null });
			expect(Object.keys(row.metadata as object)).toEqual(['emailSha256']);
		}
	});
});

describe('a password-reset request', () => {
	it('does the same work for a known and an unknown address and leaves the lookup and mail to a queued job', async () => {
		const queue = createJobQueue({ autoStart: false });
		const realQueue = app.jobs;
		app.jobs = queue;
		try {
			const known = await knownMember();
			const unknown = uniqueEmail('unknown');
			const knownDiff = await diffOf(() => requestPasswordReset(app, known, meta()));
			expect(queue.pending).toBe(1);
			const unknownDiff = await diffOf(() => requestPasswordReset(app, unknown, meta()));
			expect(queue.pending).toBe(2);
			expect(knownDiff).toEqual(unknownDiff);
			expect(knownDiff).toEqual({ auditLogs: 0, authFailures: 0, mailOutbox: 0, passwordResetTokens: 0, rateLimitCounts: 1 });

			await queue.drain();
			const mails = await app.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, known));
			expect(mails).toHaveLength(1);
			expect(await app.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, unknown))).toHaveLength(0);
		} finally {
			app.jobs = realQueue;
		}
	});
});

describe('a password hashed before NFC normalisation', () => {
	it('still signs in as typed, and is rehashed in NFC so the composed form works too', async () => {
		const email = uniqueEmail('legacy');
		await signup(app, { email, password, name: 'Legacy' }, meta());
		const decomposed = 'cafe\u0301 latte 42';
		await app.db.update(users).set({ passwordHash: await hash(decomposed, ARGON2_PARAMS) }).where(eq(users.email, email));
		await expect(loginApi(app, { email, password: decomposed }, meta())).resolves.toMatchObject({ user: { email } });
		await expect(loginApi(app, { email, password: 'caf\u00e9 latte 42' }, meta())).resolves.toMatchObject({ user: { email } });
	});
});
