import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { loadHostKeys } from '../../../ssh-gateway/ssh/host-keys';

const { utils } = ssh2;

describe('Ed25519 key generation (patches/ssh2+1.17.0+001+ed25519-keygen.patch)', () => {
	it('every generated key parses back, including the 1 in 256 whose public key starts with 0x00', () => {
		// Unpatched ssh2 strips every leading zero byte of the public key, leaving 31 bytes that its
		// own parser refuses; 4,000 keys miss such a key with probability (255/256)^4000 < 2e-7.
		let withLeadingZero = 0;
		for (let i = 0; i < 4000; i++) {
			const pair = utils.generateKeyPairSync('ed25519');
			const parsed = utils.parseKey(pair.private);
			expect(parsed, pair.public).not.toBeInstanceOf(Error);
			const publicBlob = (parsed as ssh2.ParsedKey).getPublicSSH();
			// string "ssh-ed25519" (4 + 11 bytes), then string key (4 + 32 bytes)
			expect(publicBlob.length).toBe(51);
			if (publicBlob[19] === 0) withLeadingZero++;
		}
		expect(withLeadingZero).toBeGreaterThan(0);
	});

	it('a fresh data directory always gets host keys the gateway can load', () => {
		for (let i = 0; i < 2; i++) {
			const keys = loadHostKeys(mkdtempSync(path.join(tmpdir(), 'ocore-host-keys-')));
			expect(keys.map((k) => k.type)).toEqual(['ssh-ed25519', 'ssh-rsa']);
		}
	});
});
