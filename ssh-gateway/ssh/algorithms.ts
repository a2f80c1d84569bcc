/**
 * The SSH algorithms the gateway offers. Policy: modern only, checked by `ssh-audit` in the test
 * suite, which must report no failure. No SHA-1 anywhere (no ssh-rsa signatures, no
 * diffie-hellman-*-sha1, no hmac-sha1), no CBC ciphers, no DH groups below 4096 bits (group14 and the
 * group-exchange family are left out), no NIST-curve ECDH (ssh-audit fails it), no compression.
 * Post-quantum first: mlkem768x25519-sha256 (ML-KEM-768 + X25519, OpenSSH 10's default; Node's
 * ML-KEM, in ssh2 through patches/ssh2+1.17.0+010+mlkem768x25519.patch), so a recorded session stays
 * secret even from a future quantum computer, and OpenSSH 10.1+ prints no "not using a post-quantum
 * key exchange" warning. Every OpenSSH since 7.4 speaks curve25519-sha256, the fallback.
 * MACs: AEAD ciphers need none, and the encrypt-then-MAC ones come first; the plain
 * hmac-sha2-256/512 (encrypt-and-MAC, an ssh-audit warning, not a failure) follow them, as in
 * OpenSSH's own default server list, because libssh2 before 1.11 (Debian 12's and Ubuntu 22.04's:
 * curl sftp://, PHP's ssh2, many CI tools) offers no ETM MAC and no AEAD cipher and could not
 * connect at all. Which MAC is used is the client's pick (the first of its list that the server
 * offers); OpenSSH lists ETM first, and with an AEAD cipher no MAC is used.
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
	hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512'],
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
