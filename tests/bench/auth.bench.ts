/**
 * `npm run bench`: sign-ins per second and session checks per second, beside the raw Argon2id hash
 * time, so the overhead of everything around the hash (rate limit, back-off, session row, audit
 * chain) is visible. Then the enumeration check: a failed sign-in and a password-reset request for
 * an address with an account (a member of an org) and for one without, which should take the same
 * time because they take the same path. Runs against DATABASE_URL when set, else an in-memory PGlite.
 * Options (env): BENCH_SIGNINS (default 40), BENCH_CHECKS (default 2000), BENCH_CONCURRENCY (default 2),
 * BENCH_RESETS (default 200).
 */
import { performance } from 'node:perf_hooks';
import { authenticateRequest } from '../../src/lib/server/auth/authenticate';
import { hashPassword, verifyPassword } from '../../src/lib/server/auth/password';
import { requestPasswordReset } from '../../src/lib/server/auth/password-reset';
import { signup } from '../../src/lib/server/auth/service';
import { loginApi, loginBrowser } from '../helpers/password-login';
import { createOrg } from '../../src/lib/server/orgs/orgs';
import { createTestApp, uniqueEmail, uniqueIp } from '../helpers/app';

const SIGNINS = Number(process.env.BENCH_SIGNINS ?? 40);
const CHECKS = Number(process.env.BENCH_CHECKS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const RESETS = Number(process.env.BENCH_RESETS ?? 200);

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

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median milliseconds of `fn` for the known address and for fresh unknown ones, interleaved. */
async function timeKnownVersusUnknown(count: number, knownEmail: string, fn: (email: string) => Promise<unknown>) {
	const known: number[] = [];
	const unknown: number[] = [];
	for (let i = 0; i < count; i++) {
		for (const [address, into] of [
			[knownEmail, known],
			[uniqueEmail('nobody'), unknown]
		] as const) {
			const start = performance.now();
			await fn(address);
			into.push(performance.now() - start);
		}
	}
	return { known: median(known), unknown: median(unknown) };
}

function row(name: string, value: string, note = '') {
	console.log(`| ${name.padEnd(44)} | ${value.padStart(14)} | ${note}`);
}

async function main() {
	const app = await createTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '1000000' });
	const password = 'correct horse 42';
	const email = uniqueEmail('bench');
	const user = await signup(app, { email, password, name: 'Bench' }, { ipAddress: uniqueIp(), userAgent: 'bench' });
	await createOrg(app, { userId: user.id, email, request: { ipAddress: uniqueIp(), userAgent: 'bench' } }, { name: 'Bench Org', slug: `bench-${user.id.slice(0, 8)}` });

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

	// Known and unknown addresses alternate, so drift in the machine's load hits both alike.
	const failedSignIn = await timeKnownVersusUnknown(SIGNINS, email, (address) =>
		loginApi(app, { email: address, password: 'wrong password 1' }, { ipAddress: uniqueIp(), userAgent: 'bench' }).then(
			() => Promise.reject(new Error('a wrong password signed in')),
			() => undefined
		)
	);
	const resetRequest = await timeKnownVersusUnknown(RESETS, email, (address) => requestPasswordReset(app, address, { ipAddress: uniqueIp(), userAgent: 'bench' }));
	await app.jobs.drain();

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
	row('failed sign-in, known / unknown email', `${failedSignIn.known.toFixed(1)} / ${failedSignIn.unknown.toFixed(1)} ms`, `median of ${SIGNINS} each`);
	row('reset request, known / unknown email', `${resetRequest.known.toFixed(2)} / ${resetRequest.unknown.toFixed(2)} ms`, `median of ${RESETS} each; the mail is sent after the answer`);
	await app.close();
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
