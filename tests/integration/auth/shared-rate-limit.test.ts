/**
 * Two server processes behind one load balancer share the sign-in limit, because the counters live
 * in PostgreSQL. Two application contexts with separate connection pools stand in for the processes.
 * PGlite is an in-process database that a second process cannot open, so this runs on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginApi } from '../../../src/lib/server/auth/service';
import { createTestApp, uniqueEmail, uniqueIp, type TestApp } from '../../helpers/app';

const onPostgres = Boolean(process.env.DATABASE_URL);
let first: TestApp;
let second: TestApp;

beforeAll(async () => {
	if (!onPostgres) return;
	[first, second] = await Promise.all([createTestApp(), createTestApp()]);
});
afterAll(async () => {
	await Promise.all([first?.close(), second?.close()]);
});

describe.runIf(onPostgres)('rate limits across processes (PostgreSQL)', () => {
	it('count attempts made through either process against one budget', async () => {
		const ip = uniqueIp();
		const attempt = (app: TestApp) => loginApi(app, { email: uniqueEmail(), password: 'whatever 1' }, { ipAddress: ip, userAgent: null }).catch((e) => e.code);
		const codes = [];
		for (let i = 0; i < 6; i++) codes.push(await attempt(i % 2 === 0 ? first : second));
		expect(codes).toEqual(['invalid_credentials', 'invalid_credentials', 'invalid_credentials', 'invalid_credentials', 'invalid_credentials', 'rate_limited']);
	});
});
