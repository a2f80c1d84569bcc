/**
 * Test application contexts over real databases: the PostgreSQL named by DATABASE_URL (a fresh
 * database made for this run by .ci/run or tests/run-all.sh) or, without it, an in-memory PGlite.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAppContext, type AppContext } from '../../src/lib/server/app-context';
import type { Clock } from '../../src/lib/server/clock';
import { loadConfig } from '../../src/lib/server/config';

export type TestApp = AppContext;

export async function createTestApp(env: Record<string, string> = {}, clock?: Clock): Promise<TestApp> {
	const dataDir = mkdtempSync(path.join(tmpdir(), 'ocore-test-'));
	const config = loadConfig(
		{
			NODE_ENV: 'test',
			DATA_DIR: dataDir,
			JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
			APP_URL: 'http://127.0.0.1:3999',
			...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
			...env
		},
		() => {}
	);
	return createAppContext({ config, clock, inMemory: true });
}

let counter = 0;
/** Unique per worker and call, so tests sharing one database never collide. */
export function uniqueSuffix(): string {
	counter += 1;
	return `${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
}

export function uniqueEmail(prefix = 'user'): string {
	return `${prefix}-${uniqueSuffix()}@example.test`;
}

/** A distinct client address per test, so per-IP rate limits of one test never hit another. */
export function uniqueIp(): string {
	const b = randomBytes(3);
	return `10.${b[0]}.${b[1]}.${b[2]! || 1}`;
}

/** A clock tests can move forward. */
export function manualClock(start = new Date()): Clock & { advanceSeconds(s: number): void; set(d: Date): void } {
	let current = start;
	return {
		now: () => new Date(current),
		advanceSeconds(s) {
			current = new Date(current.getTime() + s * 1000);
		},
		set(d) {
			current = d;
		}
	};
}
