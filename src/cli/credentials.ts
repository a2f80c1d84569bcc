/**
 * Where the CLI keeps its session.
 *
 * Policy: one file, `${OCORE_CONFIG_DIR:-${XDG_CONFIG_HOME:-~/.config}/ocore}/credentials.json`, holding
 * {url, email, accessToken, refreshToken} and never the password. The folder is created 0700 and the
 * file 0600; writes go to a fresh temporary file (created exclusively, already 0600) that is fsynced
 * and renamed over the old one, so a crash or a concurrent reader never sees half a file and the
 * tokens are never readable by others, not even for a moment. Token refreshes are serialised
 * between ocore processes by a lock file beside it (see withCredentialsLock).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { notLoggedIn } from './errors';

const credentialsSchema = z.object({
	url: z.string().min(1),
	email: z.string().min(1),
	accessToken: z.string().min(1),
	refreshToken: z.string().min(1)
});

export type Credentials = z.infer<typeof credentialsSchema>;

type Env = Record<string, string | undefined>;

export function configDir(env: Env): string {
	if (env.OCORE_CONFIG_DIR) return path.resolve(env.OCORE_CONFIG_DIR);
	const base = env.XDG_CONFIG_HOME || path.join(homedir(), '.config');
	return path.join(base, 'ocore');
}

export function credentialsPath(env: Env): string {
	return path.join(configDir(env), 'credentials.json');
}

/** The stored session, or null when there is none. A damaged file counts as not logged in. */
export function readCredentials(env: Env): Credentials | null {
	const file = credentialsPath(env);
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw notLoggedIn(`Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
	}
	try {
		return credentialsSchema.parse(JSON.parse(text));
	} catch {
		throw notLoggedIn(`${file} is damaged`);
	}
}

export function requireCredentials(env: Env): Credentials {
	const credentials = readCredentials(env);
	if (!credentials) throw notLoggedIn();
	return credentials;
}

export function saveCredentials(env: Env, credentials: Credentials): void {
	const dir = configDir(env);
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	const file = credentialsPath(env);
	const temp = path.join(dir, `.credentials.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
	const fd = openSync(temp, 'wx', 0o600);
	try {
		writeSync(fd, JSON.stringify(credentialsSchema.parse(credentials), null, 2) + '\n');
		fsyncSync(fd);
	} catch (err) {
		closeSync(fd);
		rmSync(temp, { force: true });
		throw err;
	}
	closeSync(fd);
	renameSync(temp, file);
}

export function deleteCredentials(env: Env): void {
	rmSync(credentialsPath(env), { force: true });
}

const LOCK_WAIT_MS = 10_000;
const LOCK_STALE_MS = 30_000;
const LOCK_POLL_MS = 50;

/**
 * Runs `fn` holding `credentials.lock` (created exclusively). The server treats a replayed refresh
 * token as theft and ends the session, so two ocore processes must never refresh the same pair:
 * the second waits here, then finds the pair already rotated. A lock older than LOCK_STALE_MS (a
 * crashed process) or still held after LOCK_WAIT_MS is taken over.
 */
export async function withCredentialsLock<T>(env: Env, fn: () => Promise<T>): Promise<T> {
	const dir = configDir(env);
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	const lock = path.join(dir, 'credentials.lock');
	const deadline = Date.now() + LOCK_WAIT_MS;
	for (;;) {
		try {
			closeSync(openSync(lock, 'wx', 0o600));
			break;
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
		}
		let ageMs = 0;
		try {
			ageMs = Date.now() - statSync(lock).mtimeMs;
		} catch {
			continue; // released meanwhile
		}
		if (ageMs > LOCK_STALE_MS || Date.now() > deadline) rmSync(lock, { force: true });
		else await sleep(LOCK_POLL_MS);
	}
	try {
		return await fn();
	} finally {
		rmSync(lock, { force: true });
	}
}
