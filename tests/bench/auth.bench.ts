/**
 * `npm run bench`: sign-ins per second and session checks per second, beside the raw Argon2id hash
 * time, so the overhead of everything around the hash (rate limit, back-off, session row, audit
 * chain) is visible. Runs against DATABASE_URL when set, else an in-memory PGlite.
 * Options (env): BENCH_SIGNINS (default 40), BENCH_CHECKS (default 2000), BENCH_CONCURRENCY (default 2).
 */
import { performance } from 'node:perf_hooks';
import { authenticateRequest } from '../../src/lib/server/auth/authenticate';
import { hashPassword, verifyPassword } from '../../src/lib/server/auth/password';
import { loginApi, loginBrowser, signup } from '../../src/lib/server/auth/service';
import { createTestApp, uniqueEmail, uniqueIp } from '../helpers/app';

const SIGNINS = Number(process.env.BENCH_SIGNINS ?? 40);
const CHECKS = Number(process.env.BENCH_CHECKS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);

async function timeMany(count: number, concurrency: number, fn: (i: number) => Promise<unknown>) {
	let next = 0;
	const start = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < count) await fn(next++);
		})
	);
	const ms = performance.now() - start;
	return { ms, perSecond: (count / ms) * 1000, meanMs: ms / count };
}

function row(name: string, value: string, note = '') {
	console.log(`| ${name.padEnd(44)} | ${value.padStart(14)} | ${note}`);
}

async function main() {
	const app = await createTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '1000000' });
	const password = 'correct horse 42';
	const email = uniqueEmail('bench');
	await signup(app, { email, password, name: 'Bench' }, { ipAddress: uniqueIp(), userAgent: 'bench' });

	const stored = await hashPassword(password);
	await verifyPassword(stored, password); // warm-up
	const hash = await timeMany(SIGNINS, 1, () => verifyPassword(stored, password));
	const hashParallel = await timeMany(SIGNINS, CONCURRENCY, () => verifyPassword(stored, password));

	const browser = await timeMany(SIGNINS, 1, () => loginBrowser(app, { email, password }, { ipAddress: uniqueIp(), userAgent: 'bench' }));
	const browserParallel = await timeMany(SIGNINS, CONCURRENCY, () => loginBrowser(app, { email, password }, { ipAddress: uniqueIp(), userAgent: 'bench' }));
	const apiLogin = await timeMany(SIGNINS, 1, () => loginApi(app, { email, password }, { ipAddress: uniqueIp(), userAgent: 'bench' }));

	const { sessionToken } = await loginBrowser(app, { email, password }, { ipAddress: uniqueIp(), userAgent: 'bench' });
	const tokens = await loginApi(app, { email, password }, { ipAddress: uniqueIp(), userAgent: 'bench' });
	const cookieCheck = await timeMany(CHECKS, 1, async () => {
		if (!(await authenticateRequest(app, { cookieToken: sessionToken, authorization: null }))) throw new Error('session check failed');
	});
	const bearerCheck = await timeMany(CHECKS, 1, async () => {
		if (!(await authenticateRequest(app, { cookieToken: null, authorization: `Bearer ${tokens.accessToken}` }))) throw new Error('token check failed');
	});

	console.log(`\noCore auth benchmark — database: ${app.dbHandle.driver}, ${SIGNINS} sign-ins, ${CHECKS} checks, concurrency ${CONCURRENCY}\n`);
	row('what', 'result', 'note');
	row('-'.repeat(44), '-'.repeat(14), '---');
	row('Argon2id verify (raw), 1 at a time', `${hash.meanMs.toFixed(1)} ms`, `${hash.perSecond.toFixed(1)}/s`);
	row(`Argon2id verify (raw), ${CONCURRENCY} in parallel`, `${hashParallel.perSecond.toFixed(1)}/s`, '');
	row('browser sign-in, 1 at a time', `${browser.perSecond.toFixed(1)}/s`, `${browser.meanMs.toFixed(1)} ms each, ${(browser.meanMs - hash.meanMs).toFixed(1)} ms over the hash`);
	row(`browser sign-in, ${CONCURRENCY} in parallel`, `${browserParallel.perSecond.toFixed(1)}/s`, '');
	row('API sign-in (JWT + refresh), 1 at a time', `${apiLogin.perSecond.toFixed(1)}/s`, `${(apiLogin.meanMs - hash.meanMs).toFixed(1)} ms over the hash`);
	row('session check, cookie', `${cookieCheck.perSecond.toFixed(0)}/s`, `${(cookieCheck.meanMs * 1000).toFixed(0)} µs each`);
	row('session check, Bearer JWT', `${bearerCheck.perSecond.toFixed(0)}/s`, `${(bearerCheck.meanMs * 1000).toFixed(0)} µs each`);
	await app.close();
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
