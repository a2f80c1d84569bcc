/** Public key authentication checks of the SSH door, with keys and signatures made by ssh2 itself. */
import { createHash } from 'node:crypto';
import ssh2, { type PublicKeyAuthContext } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { gatewayAlgorithmNames } from '../../../ssh-gateway/ssh/algorithms';
import { checkPublicKey } from '../../../ssh-gateway/ssh/auth';

const { utils } = ssh2;

function context(keyText: string, options: { sign?: boolean; hashAlgo?: string; tamper?: boolean; algo?: string } = {}) {
	const key = utils.parseKey(keyText) as ssh2.ParsedKey;
	const blob = Buffer.from('session id and userauth request');
	const publicBlob = key.getPublicSSH();
	let signature: Buffer | undefined;
	if (options.sign) {
		signature = key.sign(blob, options.hashAlgo) as Buffer;
		if (options.tamper) signature = Buffer.from(signature.map((b, i) => (i === 10 ? b ^ 1 : b)));
	}
	return {
		ctx: { key: { algo: options.algo ?? key.type, data: publicBlob }, signature, blob: options.sign ? blob : undefined, hashAlgo: options.hashAlgo } as unknown as PublicKeyAuthContext,
		fingerprint: 'SHA256:' + createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')
	};
}

const ed25519 = utils.generateKeyPairSync('ed25519').private;
const rsa = utils.generateKeyPairSync('rsa', { bits: 2048 }).private;

describe('checkPublicKey', () => {
	it('answers a probe (no signature) with the fingerprint', () => {
		const { ctx, fingerprint } = context(ed25519);
		expect(checkPublicKey(ctx)).toEqual({ kind: 'probe', fingerprint });
	});

	it('verifies an Ed25519 signature, and refuses a tampered one', () => {
		const good = context(ed25519, { sign: true });
		expect(checkPublicKey(good.ctx)).toEqual({ kind: 'verified', fingerprint: good.fingerprint });
		expect(checkPublicKey(context(ed25519, { sign: true, tamper: true }).ctx)).toMatchObject({ kind: 'invalid', why: 'bad signature' });
	});

	it('accepts rsa-sha2-256/512 signatures and refuses SHA-1 ones', () => {
		expect(checkPublicKey(context(rsa, { sign: true, hashAlgo: 'sha256' }).ctx)).toMatchObject({ kind: 'verified' });
		expect(checkPublicKey(context(rsa, { sign: true, hashAlgo: 'sha512' }).ctx)).toMatchObject({ kind: 'verified' });
		expect(checkPublicKey(context(rsa, { sign: true, hashAlgo: 'sha1' }).ctx)).toMatchObject({ kind: 'invalid', why: 'ssh-rsa (SHA-1) signature refused' });
		expect(checkPublicKey(context(rsa, { sign: true }).ctx)).toMatchObject({ kind: 'invalid' });
	});

	it('refuses a key presented under another type name', () => {
		expect(checkPublicKey(context(ed25519, { algo: 'ssh-rsa' }).ctx)).toMatchObject({ kind: 'invalid' });
	});
});

describe('algorithms', () => {
	it('offers nothing with SHA-1 or CBC', () => {
		const all = Object.values(gatewayAlgorithmNames()).flat();
		expect(all.filter((a) => /sha1|cbc|ssh-rsa|nistp|group14|group-exchange/.test(a))).toEqual([]);
		expect(gatewayAlgorithmNames().serverHostKey).toEqual(['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256']);
	});

	it('prefers encrypt-then-MAC, and offers the plain SHA-2 MACs after them for libssh2 1.10', () => {
		expect(gatewayAlgorithmNames().hmac).toEqual(['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512']);
	});
});
