/**
 * The client matrix (tests/integration/ssh/client-*.test.ts): each file drives one stock client other
 * than OpenSSH against the shared gateway, with one instance per file and the owner holding an RSA
 * 4096, an ECDSA P-256 and an Ed25519 key (all made by ssh-keygen), and a few MiB of random bytes
 * to move both ways. OpenSSH's ssh is the reference for what is in the container.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addKey, clientDir, gatewayFixture, runClient, ssh, sshPort, type GatewayFixture } from './ssh';
import { generateKey, type GeneratedKey } from './ssh-keys';

export const TRANSFER_BYTES = 4 * 1024 * 1024;

export type ClientKeys = { rsa4096: GeneratedKey; ecdsa256: GeneratedKey; ed25519: GeneratedKey };

export type ClientFixture = GatewayFixture & {
	keys: ClientKeys;
	/** A key no account holds. */
	strangerKey: GeneratedKey;
	/** A random file of TRANSFER_BYTES on the client's side, and its SHA-256. */
	source: string;
	sourceSha256: string;
	/** A fresh file name on the client's side. */
	localPath(name: string): string;
	/** The SHA-256 of a file in the container, read with OpenSSH. */
	remoteSha256(file: string): Promise<string>;
};

export function sha256File(file: string): string {
	return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export async function clientFixture(prefix: string): Promise<ClientFixture> {
	const fx = await gatewayFixture(prefix);
	const [rsa4096, ecdsa256] = await Promise.all([addKey(fx.owner, 'rsa', 4096), addKey(fx.owner, 'ecdsa', 256)]);
	const dir = path.join(clientDir(), `${prefix}-${randomBytes(3).toString('hex')}`);
	execFileSync('mkdir', ['-p', dir]);
	const source = path.join(dir, 'source.bin');
	writeFileSync(source, randomBytes(TRANSFER_BYTES));
	return {
		...fx,
		keys: { rsa4096, ecdsa256, ed25519: fx.key },
		strangerKey: generateKey('ed25519', undefined, 'stranger'),
		source,
		sourceSha256: sha256File(source),
		localPath: (name) => path.join(dir, name),
		async remoteSha256(file) {
			const r = await ssh(fx.key.privateFile, fx.slug, `sha256sum ${file}`);
			if (r.code !== 0) throw new Error(`sha256sum ${file}: ${r.stderr}`);
			return r.stdout.split(' ')[0]!;
		}
	};
}

export type HostKey = { type: string; base64: string; sha256: string };

/** The gateway's host keys as ssh-keyscan sees them, with their SHA-256 fingerprints (unpadded base64). */
export async function gatewayHostKeys(): Promise<HostKey[]> {
	const r = await runClient('ssh-keyscan', ['-p', String(sshPort()), '127.0.0.1']);
	return r.stdout
		.split('\n')
		.filter((l) => l && !l.startsWith('#'))
		.map((l) => {
			const [, type, base64] = l.split(' ');
			const sha256 = createHash('sha256').update(Buffer.from(base64!, 'base64')).digest('base64').replace(/=+$/, '');
			return { type: type!, base64: base64!, sha256 };
		});
}

/** A known_hosts file naming the gateway's host keys, for clients that check one. */
export async function gatewayKnownHosts(file: string): Promise<string> {
	const lines = (await gatewayHostKeys()).map((k) => `[127.0.0.1]:${sshPort()} ${k.type} ${k.base64}`);
	writeFileSync(file, lines.join('\n') + '\n');
	return file;
}
