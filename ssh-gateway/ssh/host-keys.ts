/**
 * The gateway's host keys: Ed25519 and RSA 3072, made on first start and kept in
 * DATA_DIR/ssh-host-keys (folder 0700, files 0600), so clients never see a changed host key after a
 * restart. Files are created exclusively: two processes starting at once on one DATA_DIR agree on the
 * first key written. A key file that exists but does not parse stops the start (never silently
 * replaced: that would look like a man in the middle to every client).
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ssh2, { type ParsedKey } from 'ssh2';

const { utils } = ssh2;

export const RSA_HOST_KEY_BITS = 3072;

const KEYS = [
	{ file: 'ssh_host_ed25519_key', generate: () => utils.generateKeyPairSync('ed25519') },
	{ file: 'ssh_host_rsa_key', generate: () => utils.generateKeyPairSync('rsa', { bits: RSA_HOST_KEY_BITS }) }
] as const;

export type HostKey = { file: string; privateKey: string; publicKey: string; type: string };

function readOrCreate(dir: string, file: string, generate: () => { private: string; public: string }): HostKey {
	const keyPath = path.join(dir, file);
	let privateKey: string;
	try {
		privateKey = readFileSync(keyPath, 'utf8');
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
		const pair = generate();
		try {
			writeFileSync(keyPath, pair.private, { mode: 0o600, flag: 'wx' });
			writeFileSync(`${keyPath}.pub`, pair.public + '\n', { mode: 0o644 });
		} catch (writeErr) {
			if ((writeErr as NodeJS.ErrnoException).code !== 'EEXIST') throw writeErr;
		}
		privateKey = readFileSync(keyPath, 'utf8');
	}
	chmodSync(keyPath, 0o600);
	const parsed = utils.parseKey(privateKey);
	if (parsed instanceof Error || Array.isArray(parsed)) {
		throw new Error(`SSH host key ${keyPath} cannot be read; move it away to generate a new one`);
	}
	return { file: keyPath, privateKey, publicKey: `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`, type: parsed.type };
}

/**
 * What the ssh2 Server gets as hostKeys. ssh2 always adds `ssh-rsa` (SHA-1 signatures) to the
 * offered host key algorithms when it is given an RSA key, whatever the configured list says. So the
 * RSA key is handed over as two views of the parsed key, typed `rsa-sha2-512` and `rsa-sha2-256`:
 * ssh2 offers exactly those names, signs with the matching hash, and sends the key's `ssh-rsa` blob.
 */
export function serverHostKeys(keys: HostKey[]): Array<{ key: ParsedKey }> {
	return keys.flatMap((key) => {
		const parsed = utils.parseKey(key.privateKey) as ParsedKey;
		if (parsed.type !== 'ssh-rsa') return [{ key: parsed }];
		return ['rsa-sha2-512', 'rsa-sha2-256'].map((type) => ({
			key: Object.create(parsed, { type: { value: type, enumerable: true } }) as ParsedKey
		}));
	});
}

export function loadHostKeys(dataDir: string): HostKey[] {
	const dir = path.join(dataDir, 'ssh-host-keys');
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	chmodSync(dir, 0o700);
	return KEYS.map((k) => readOrCreate(dir, k.file, k.generate));
}
