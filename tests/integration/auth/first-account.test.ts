/**
 * The first account of a fresh install becomes platform admin, and only one may: many people signing
 * up at the same moment on a new database must not all find it empty.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup } from '../../../src/lib/server/auth/service';
import { users } from '../../../src/lib/server/db/schema';
import { uniqueEmail, uniqueIp } from '../../helpers/app';
import { createIsolatedTestApp } from '../../helpers/orgs';

let app: Awaited<ReturnType<typeof createIsolatedTestApp>>;

beforeAll(async () => {
	app = await createIsolatedTestApp();
});
afterAll(() => app.close());

describe('first account', () => {
	it('makes exactly one platform admin out of 30 concurrent sign-ups on a fresh database', async () => {
		const results = await Promise.allSettled(
			Array.from({ length: 30 }, (_, i) => signup(app, { email: uniqueEmail(`first${i}`), password: 'correct horse 42', name: `First ${i}` }, { ipAddress: uniqueIp(), userAgent: 'vitest' }))
		);
		expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
		const admins = await app.db.select({ email: users.email }).from(users).where(eq(users.isPlatformAdmin, true));
		expect(admins).toHaveLength(1);
		expect((await app.db.select().from(users)).length).toBe(30);
	});
});
