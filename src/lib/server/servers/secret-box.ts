/**
 * Encryption at rest for server credentials (TLS client keys, SSH private keys, SSH passwords).
 *
 * Policy:
 * - AES-256-GCM (node:crypto) with a random 12-byte IV per value and a 16-byte tag; any change to
 *   the stored text, or decryption under another key, fails authentication and throws.
 * - The 32-byte key is derived from SSH_ENCRYPTION_KEY with HKDF-SHA256 (fixed salt and info, so the
 *   same variable always yields the same key); the variable itself is never used as a key.
 * - Stored form: `v1:<keyId>:<iv b64>:<tag b64>:<ciphertext b64>`, keyId = the first 8 hex digits of
 *   SHA-256 of the derived key. It names the key without revealing it, so decryption picks the
 *   current key or SSH_ENCRYPTION_KEY_PREVIOUS, and rotation can tell what is left to re-encrypt.
 * - Each value is bound to where it is stored (the `context`, e.g. `servers.ssh_private_key:<id>`)
 *   as additional authenticated data: a ciphertext copied into another row or column is refused.
 * - Plaintext exists only in memory, in the caller's hands; it is never logged or put in errors.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { AppConfig } from '../config';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HKDF_SALT = 'ocore/secret-box/v1';
const HKDF_INFO = 'aes-256-gcm server credentials';

export type SecretKey = { id: string; key: Buffer };

/** The key new values are sealed with, and the one still accepted while rotating. */
export type SecretKeyring = { current: SecretKey; previous: SecretKey | null };

/** A stored value that cannot be opened: unknown key, malformed, or tampered with. */
export class SecretBoxError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SecretBoxError';
	}
}

export function deriveSecretKey(material: string): SecretKey {
	const key = Buffer.from(hkdfSync('sha256', material, HKDF_SALT, HKDF_INFO, KEY_BYTES));
	return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

export function keyringFromConfig(config: Pick<AppConfig, 'sshEncryptionKey' | 'sshEncryptionKeyPrevious'>): SecretKeyring {
	const current = deriveSecretKey(config.sshEncryptionKey);
	const previous = config.sshEncryptionKeyPrevious ? deriveSecretKey(config.sshEncryptionKeyPrevious) : null;
	return { current, previous: previous && previous.id !== current.id ? previous : null };
}

export function sealSecret(ring: SecretKeyring, plaintext: string, context: string): string {
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', ring.current.key, iv, { authTagLength: TAG_BYTES });
	cipher.setAAD(Buffer.from(context, 'utf8'));
	const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
	const tag = cipher.getAuthTag();
	return [VERSION, ring.current.id, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
}

type Sealed = { keyId: string; iv: Buffer; tag: Buffer; ciphertext: Buffer };

function parseSealed(sealed: string): Sealed {
	const parts = sealed.split(':');
	if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretBoxError('Not a sealed secret (unknown format)');
	const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
	const decoded = { keyId, iv: Buffer.from(iv, 'base64'), tag: Buffer.from(tag, 'base64'), ciphertext: Buffer.from(ciphertext, 'base64') };
	if (!/^[0-9a-f]{8}$/.test(keyId) || decoded.iv.length !== IV_BYTES || decoded.tag.length !== TAG_BYTES) {
		throw new SecretBoxError('Not a sealed secret (malformed)');
	}
	return decoded;
}

/** The id of the key a stored value was sealed with. */
export function sealedKeyId(sealed: string): string {
	return parseSealed(sealed).keyId;
}

export function openSecret(ring: SecretKeyring, sealed: string, context: string): string {
	const parts = parseSealed(sealed);
	const key = [ring.current, ring.previous].find((k) => k !== null && k.id === parts.keyId);
	if (!key) {
		throw new SecretBoxError(
			`Sealed with key ${parts.keyId}, which is neither SSH_ENCRYPTION_KEY (${ring.current.id}) nor SSH_ENCRYPTION_KEY_PREVIOUS`
		);
	}
	const decipher = createDecipheriv('aes-256-gcm', key.key, parts.iv, { authTagLength: TAG_BYTES });
	decipher.setAAD(Buffer.from(context, 'utf8'));
	decipher.setAuthTag(parts.tag);
	try {
		return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString('utf8');
	} catch {
		throw new SecretBoxError('Sealed secret failed authentication (tampered, or stored under another row)');
	}
}

/** Re-seals under the current key; values already under it are returned unchanged. */
export function resealSecret(ring: SecretKeyring, sealed: string, context: string): { value: string; changed: boolean } {
	if (sealedKeyId(sealed) === ring.current.id) {
		openSecret(ring, sealed, context); // still proves it is intact
		return { value: sealed, changed: false };
	}
	return { value: sealSecret(ring, openSecret(ring, sealed, context), context), changed: true };
}
