/**
 * A real OpenSSH 10 client for the gateway tests: Debian 13 (trixie)'s `openssh-client`, in an image
 * built like the instance test image (debootstrap minbase + docker import, no registry, rootfs cached
 * in /var/cache/ocore/rootfs-openssh10). The host's own client is Debian 12's OpenSSH 9.2, which has
 * no ML-KEM. The container shares the host's network, so it reaches the gateway on 127.0.0.1, and
 * sees the test's key and known_hosts files at the same paths as the host's client does.
 */
import { ensureDebootstrapImage } from './docker';
import { clientDir, runClient, type ClientResult } from './ssh';

export const OPENSSH10_IMAGE = process.env.OCORE_OPENSSH10_IMAGE ?? 'ocore-test-openssh10:trixie';
const OPENSSH10_ROOTFS_DIR = process.env.OCORE_OPENSSH10_ROOTFS_DIR ?? '/var/cache/ocore/rootfs-openssh10';

export async function ensureOpenSsh10Image(log?: (line: string) => void): Promise<void> {
	await ensureDebootstrapImage(
		{ image: OPENSSH10_IMAGE, rootfsDir: OPENSSH10_ROOTFS_DIR, suite: 'trixie', include: ['openssh-client', 'openssh-server'], marker: 'usr/sbin/sshd' },
		log
	);
}

/**
 * Runs `command args...` (ssh, or a shell around it) in a throwaway OpenSSH 10 container.
 * `files` are host paths the client reads (key files); the test's client directory (known_hosts) is
 * always there, writable.
 */
export function runOpenSsh10(
	command: string[],
	options: { files?: string[]; timeoutMs?: number } = {}
): Promise<ClientResult> {
	const mounts = [`--volume=${clientDir()}:${clientDir()}`, ...(options.files ?? []).map((f) => `--volume=${f}:${f}:ro`)];
	return runClient('docker', ['run', '--rm', '--network=host', ...mounts, OPENSSH10_IMAGE, ...command], {
		timeoutMs: options.timeoutMs ?? 60_000
	});
}
