import { createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	deriveSecretKey,
	keyringFromConfig,
	openSecret,
	resealSecret,
	sealedKeyId,
	sealSecret,
	SecretBoxError
} from '../../../src/lib/server/servers/secret-box';

const OLD = 'old-encryption-key-that-is-long-enough-0001';
const NEW = 'new-encryption-key-that-is-long-enough-0002';
const CONTEXT = 'servers.ssh_private_key:7f1c3c1e-0000-4000-8000-000000000001';
const SECRET = '-----BEGIN OPENSSH PRIVATE KEY-----\nnot really, but with ünïcode\n-----END OPENSSH PRIVATE KEY-----\n';

const ring = (current: string, previous?: string) =>
	keyringFromConfig({ sshEncryptionKey: current, sshEncryptionKeyPrevious: previous });

/** Flips one bit of the base64 field at `index` of `v1:id:iv:tag:ct`. */
function flip(sealed: string, index: number): string {
	const parts = sealed.split(':');
	const bytes = Buffer.from(parts[index]!, 'base64');
	bytes[0]! ^= 0x01;
	parts[index] = bytes.toString('base64');
	return parts.join(':');
}

describe('secret-box', () => {
	it('round-trips, in the documented format, with a fresh IV every time', () => {
		const keys = ring(NEW);
		const a = sealSecret(keys, SECRET, CONTEXT);
		const b = sealSecret(keys, SECRET, CONTEXT);
		expect(a).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/=]+$/);
		expect(a).not.toBe(b);
		expect(a).not.toContain('OPENSSH');
		expect(openSecret(keys, a, CONTEXT)).toBe(SECRET);
		expect(openSecret(keys, b, CONTEXT)).toBe(SECRET);
		expect(openSecret(keys, sealSecret(keys, '', CONTEXT), CONTEXT)).toBe('');
	});

	it('is AES-256-GCM under HKDF-SHA256 of the variable, and the key id is the first 8 hex of SHA-256 of that key', () => {
		const key = Buffer.from(hkdfSync('sha256', NEW, 'ocore/secret-box/v1', 'aes-256-gcm server credentials', 32));
		const derived = deriveSecretKey(NEW);
		expect(derived.key.equals(key)).toBe(true);
		expect(derived.id).toBe(createHash('sha256').update(key).digest('hex').slice(0, 8));
		const [, id, iv, tag, ct] = sealSecret(ring(NEW), SECRET, CONTEXT).split(':');
		expect(id).toBe(derived.id);
		const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv!, 'base64'));
		decipher.setAAD(Buffer.from(CONTEXT));
		decipher.setAuthTag(Buffer.from(tag!, 'base64'));
		expect(Buffer.concat([decipher.update(Buffer.from(ct!, 'base64')), decipher.final()]).toString()).toBe(SECRET);
	});

	it('detects tampering with the ciphertext, the tag, the IV, and a value moved to another row', () => {
		const keys = ring(NEW);
		const sealed = sealSecret(keys, SECRET, CONTEXT);
		for (const index of [2, 3, 4]) {
			expect(() => openSecret(keys, flip(sealed, index), CONTEXT)).toThrow(SecretBoxError);
		}
		expect(() => openSecret(keys, sealed, CONTEXT.replace('0001', '0002'))).toThrow(
			'Sealed secret failed authentication (tampered, or stored under another row)'
		);
		expect(() => openSecret(keys, sealed.slice(0, -4), CONTEXT)).toThrow(SecretBoxError);
		expect(() => openSecret(keys, 'plaintext-password', CONTEXT)).toThrow('Not a sealed secret (unknown format)');
		expect(() => openSecret(keys, 'v1:zzzzzzzz:AAAA:AAAA:AAAA', CONTEXT)).toThrow('Not a sealed secret (malformed)');
	});

	it('refuses a value sealed under a key it does not have, naming key ids only', () => {
		const sealed = sealSecret(ring(OLD), SECRET, CONTEXT);
		let message = '';
		try {
			openSecret(ring(NEW), sealed, CONTEXT);
		} catch (err) {
			message = (err as Error).message;
		}
		expect(message).toBe(
			`Sealed with key ${deriveSecretKey(OLD).id}, which is neither SSH_ENCRYPTION_KEY (${deriveSecretKey(NEW).id}) nor SSH_ENCRYPTION_KEY_PREVIOUS`
		);
		expect(message).not.toContain(OLD);
		// Same key id can never be forged: a wrong key that claimed the id still fails authentication.
		const forged = sealed.replace(deriveSecretKey(OLD).id, deriveSecretKey(NEW).id);
		expect(() => openSecret(ring(NEW), forged, CONTEXT)).toThrow('failed authentication');
	});

	it('rotates: the previous key still opens old values, reseal moves them to the current key', () => {
		const old = sealSecret(ring(OLD), SECRET, CONTEXT);
		const rotating = ring(NEW, OLD);
		expect(openSecret(rotating, old, CONTEXT)).toBe(SECRET);
		const { value, changed } = resealSecret(rotating, old, CONTEXT);
		expect(changed).toBe(true);
		expect(sealedKeyId(value)).toBe(deriveSecretKey(NEW).id);
		expect(openSecret(ring(NEW), value, CONTEXT)).toBe(SECRET);
		expect(resealSecret(rotating, value, CONTEXT)).toEqual({ value, changed: false });
		// A tampered value under the current key is still caught by reseal.
		expect(() => resealSecret(rotating, flip(value, 4), CONTEXT)).toThrow(SecretBoxError);
		// Previous equal to current is just one key.
		expect(ring(NEW, NEW).previous).toBeNull();
	});
});
