/**
 * The SSH algorithms the gateway offers. Policy: modern only, checked by `ssh-audit` in the test
 * suite. No SHA-1 anywhere (no ssh-rsa signatures, no diffie-hellman-*-sha1, no hmac-sha1), no CBC
 * ciphers, MACs in encrypt-then-MAC mode only, no DH groups below 4096 bits (group14 and the
 * group-exchange family are left out), no NIST-curve ECDH (ssh-audit fails it), no compression.
 * Post-quantum first: mlkem768x25519-sha256 (ML-KEM-768 + X25519, OpenSSH 10's default; Node's
 * ML-KEM, in ssh2 through patches/ssh2+1.17.0+010+mlkem768x25519.patch), so a recorded session stays
 * secret even from a future quantum computer, and OpenSSH 10.1+ prints no "not using a post-quantum
 * key exchange" warning. Every OpenSSH since 7.4 speaks curve25519-sha256, the fallback.
 * chacha20-poly1305 runs on Node's chacha20 and ssh2's Poly1305 (its native binding when built,
 * else WebAssembly).
 */
import type { Algorithms } from 'ssh2';

const WANTED = {
	kex: [
		'mlkem768x25519-sha256',
		'curve25519-sha256',
		'curve25519-sha256@libssh.org',
		'diffie-hellman-group16-sha512',
		'diffie-hellman-group18-sha512'
	],
	serverHostKey: ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256'],
	cipher: [
		'aes128-gcm@openssh.com',
		'aes256-gcm@openssh.com',
		'chacha20-poly1305@openssh.com',
		'aes128-ctr',
		'aes192-ctr',
		'aes256-ctr'
	],
	hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com'],
	compress: ['none']
} as const;

/** ssh2 refuses unknown names at start-up, so a list that this build cannot serve fails fast. */
export function gatewayAlgorithms(): Algorithms {
	return gatewayAlgorithmNames() as Algorithms;
}

/** The lists as plain names, for tests and documentation. */
export function gatewayAlgorithmNames(): Record<keyof typeof WANTED, string[]> {
	return {
		kex: [...WANTED.kex],
		serverHostKey: [...WANTED.serverHostKey],
		cipher: [...WANTED.cipher],
		hmac: [...WANTED.hmac],
		compress: [...WANTED.compress]
	};
}
