/**
 * The install builds ssh2's native crypto binding (ssh-gateway/ssh/build-crypto-binding.mjs). A build
 * that quietly failed would leave the gateway working at less than half its throughput, so CI, which
 * always has a compiler, insists on it; elsewhere a missing binding is reported and skipped.
 */
import { describe, expect, it } from 'vitest';
import { nativeSshCrypto } from '../../../ssh-gateway/ssh/crypto-binding';

const loaded = nativeSshCrypto();
const ci = process.env.CI === 'true';
if (!loaded && !ci) console.warn('[ssh] ssh2 native crypto binding not loaded: run `npm run postinstall` to build it');

describe('ssh2 native crypto binding', () => {
	it.skipIf(!loaded && !ci)('is built for this Node and loaded by ssh2', () => {
		expect(loaded).toBe(true);
	});
});
