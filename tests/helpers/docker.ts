/**
 * Real Docker for tests: is an engine there, the test image (built without any registry), and
 * throwaway containers.
 *
 * Without a reachable engine, Docker tests are skipped and say why; with CI=true that is a failure,
 * so CI can never pass by skipping them. The image is `debootstrap --variant=minbase` of Debian
 * bookworm with openssh-sftp-server and rsync, imported with `docker import`; the rootfs is cached
 * in /var/cache/ocore/rootfs (OCORE_ROOTFS_DIR), and a lock file makes concurrent callers (several
 * test files, or CI's pre-build) build it once. Containers run with no network (the CI engine has no
 * bridge) under docker-init, so `docker stop` is prompt, and carry a label so stale ones are swept.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';

export const DOCKER_SOCKET_PATH = process.env.DOCKER_SOCKET_PATH ?? '/var/run/docker.sock';
export const TEST_IMAGE = process.env.OCORE_TEST_IMAGE ?? 'ocore-test-instance:bookworm';
export const ROOTFS_DIR = process.env.OCORE_ROOTFS_DIR ?? '/var/cache/ocore/rootfs';
const DEBIAN_MIRROR = process.env.OCORE_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const TEST_LABEL = 'ocore-test';
const STALE_CONTAINER_SECONDS = 3600;
const BUILD_LOCK_WAIT_MS = 20 * 60_000;

export const docker = new Docker({ socketPath: DOCKER_SOCKET_PATH });

/** True when the engine answers a ping within two seconds. */
export async function dockerAvailable(): Promise<boolean> {
	if (!existsSync(DOCKER_SOCKET_PATH)) return false;
	try {
		// dockerode accepts an abort signal here; its type definitions do not say so.
		await (docker.ping as (opts: { abortSignal: AbortSignal }) => Promise<unknown>).call(docker, { abortSignal: AbortSignal.timeout(2_000) });
		return true;
	} catch {
		return false;
	}
}

/**
 * For the top of a test file: `const hasDocker = await requireDocker('gateway tests');` then
 * `describe.skipIf(!hasDocker)(...)`. Throws under CI=true when the engine is unreachable.
 */
export async function requireDocker(what = 'Docker tests'): Promise<boolean> {
	if (await dockerAvailable()) return true;
	const reason = `no Docker engine answers at ${DOCKER_SOCKET_PATH}`;
	if (process.env.CI === 'true') throw new Error(`${what} cannot run in CI: ${reason} (.ci/run starts dockerd)`);
	console.warn(`[docker] skipping ${what}: ${reason}. Start dockerd (see .ci/run) to run them.`);
	return false;
}

function run(command: string, args: string[]): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr}`))));
	});
}

async function imageExists(image: string): Promise<boolean> {
	try {
		await docker.getImage(image).inspect();
		return true;
	} catch {
		return false;
	}
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** An exclusive lock file holding our pid; a lock whose holder died is taken over. */
async function withLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
	const deadline = Date.now() + BUILD_LOCK_WAIT_MS;
	for (;;) {
		try {
			const fd = openSync(lockFile, 'wx');
			writeFileSync(fd, String(process.pid));
			closeSync(fd);
			break;
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
			const holder = Number(readFileSync(lockFile, 'utf8').trim() || 0);
			if (holder > 0 && !pidAlive(holder)) rmSync(lockFile, { force: true });
			else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockFile} (held by pid ${holder})`);
			else await new Promise((r) => setTimeout(r, 500));
		}
	}
	try {
		return await fn();
	} finally {
		rmSync(lockFile, { force: true });
	}
}

/** A Debian image made with `debootstrap --variant=minbase` and `docker import`, its rootfs cached. */
export type DebootstrapImage = {
	image: string;
	rootfsDir: string;
	suite: string;
	/** Packages beyond minbase. */
	include: string[];
	/** A file inside the rootfs that exists only once debootstrap finished. */
	marker: string;
};

/** Builds the image if it is missing; idempotent, safe to call from several processes at once. */
export async function ensureDebootstrapImage(spec: DebootstrapImage, log: (line: string) => void = (l) => console.log(`[docker] ${l}`)): Promise<void> {
	if (await imageExists(spec.image)) return;
	mkdirSync(path.dirname(spec.rootfsDir), { recursive: true });
	await withLock(`${spec.rootfsDir}.lock`, async () => {
		if (await imageExists(spec.image)) return; // built by whoever held the lock before us
		if (!existsSync(path.join(spec.rootfsDir, spec.marker))) {
			const partial = `${spec.rootfsDir}.partial`;
			rmSync(partial, { recursive: true, force: true });
			log(`debootstrap ${spec.suite} into ${partial} (a few minutes, once)`);
			await run('debootstrap', ['--variant=minbase', `--include=${spec.include.join(',')}`, spec.suite, partial, DEBIAN_MIRROR]);
			rmSync(spec.rootfsDir, { recursive: true, force: true });
			renameSync(partial, spec.rootfsDir);
		}
		log(`docker import ${spec.rootfsDir} as ${spec.image}`);
		await run('bash', ['-o', 'pipefail', '-c', 'tar -C "$1" -c . | docker import - "$2"', 'import', spec.rootfsDir, spec.image]);
	});
}

/** The instance test image (bookworm with sftp-server and rsync). */
export async function ensureTestImage(log?: (line: string) => void): Promise<void> {
	await ensureDebootstrapImage(
		{ image: TEST_IMAGE, rootfsDir: ROOTFS_DIR, suite: 'bookworm', include: ['openssh-sftp-server', 'rsync'], marker: 'usr/lib/openssh/sftp-server' },
		log
	);
}

export type TestContainer = { name: string; id: string; remove(): Promise<void> };

const started = new Set<TestContainer>();

/** Removes labelled test containers older than an hour (left by killed runs). */
async function sweepStaleContainers(): Promise<void> {
	const containers = await docker.listContainers({ all: true, filters: { label: [TEST_LABEL] } });
	const cutoff = Date.now() / 1000 - STALE_CONTAINER_SECONDS;
	await Promise.all(
		containers.filter((c) => c.Created < cutoff).map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => {}))
	);
}

/**
 * Runs `sleep infinity` in the test image under a unique name derived from `name`; removed by
 * removeTestContainers(). `org` assigns it to that org (label ocore.org=<org>), as an operator does
 * before the org's members may bind it on the shared local engine. `exactName` uses `name` as is
 * (a test taking over another container's name).
 */
export async function startTestContainer(name: string, options: { org?: string; exactName?: boolean } = {}): Promise<TestContainer> {
	await sweepStaleContainers();
	const unique = options.exactName ? name : `${name.replace(/[^a-zA-Z0-9_.-]/g, '-')}-${process.pid}-${randomBytes(3).toString('hex')}`;
	const container = await docker.createContainer({
		name: unique,
		Image: TEST_IMAGE,
		Cmd: ['sleep', 'infinity'],
		Labels: { [TEST_LABEL]: '1', ...(options.org ? { 'ocore.org': options.org } : {}) },
		HostConfig: { NetworkMode: 'none', Init: true }
	});
	await container.start();
	const handle: TestContainer = {
		name: unique,
		id: container.id,
		remove: async () => {
			started.delete(handle);
			await container.remove({ force: true }).catch(() => {});
		}
	};
	started.add(handle);
	return handle;
}

/** For afterAll: removes every container this process started. */
export async function removeTestContainers(): Promise<void> {
	await Promise.all([...started].map((c) => c.remove()));
}
